#!/usr/bin/env python3
# Regenerates the hand-made seeds of fuzz/corpus (python3; not needed to
# build or run the fuzzers): the crash inputs of issue 12 and recorded
# kernel replies. Run from the top of the tree.
import glob, os, re, struct

C = 'fuzz/corpus'

def put(name, data):
    os.makedirs(os.path.dirname(f'{C}/{name}'), exist_ok=True)
    with open(f'{C}/{name}', 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())

def nlmsg(mtype, payload, flags=0, length=None, seq=1, pid=0):
    n = 16 + len(payload) if length is None else length
    return struct.pack('<IHHII', n, mtype, flags, seq, pid) + payload

def pad(b):
    return b + b'\0' * (-len(b) % 4)

# ---- netlink: first byte picks the parser (see fuzz_netlink.c) ----------
PARSER = {'features': 0, 'params': 1, 'strset': 2, 'features_set': 3,
          'sockdiag': 4, 'loop': 5}
for h in sorted(glob.glob('tests/unit/data/ethtool/*.h')):
    name = os.path.basename(h)[:-2]
    raw = bytes(int(x, 16) for x in re.findall(r'0x([0-9a-f]{2})', open(h).read()))
    sel = ('strset' if name.startswith('strset') else
           'features_set' if name.startswith('features_set') else
           'features' if name.startswith('features') else 'params')
    put(f'netlink/rec-{name}', bytes([PARSER[sel]]) + raw)

# libmnl 1.0.4 took nlmsg_len as an int: 0xfffffff0 crashed the loop ...
put('netlink/crash-nlmsg-len-fffffff0',
    bytes([PARSER['loop']]) + nlmsg(0x15, b'\0' * 16, length=0xfffffff0))
# ... and 0xfffffffd aligned to 0: the loop never advanced.
put('netlink/hang-nlmsg-len-fffffffd',
    bytes([PARSER['features']]) + nlmsg(0x15, b'\0' * 16, length=0xfffffffd))
# NLMSG_ERROR with error = INT_MIN: negating it overflowed.
put('netlink/crash-error-int-min',
    bytes([PARSER['loop']]) + nlmsg(2, struct.pack('<i', -2**31) + nlmsg(0, b'')))
# NLMSG_DONE of a failed dump carrying INT_MIN, with extended-ACK TLVs.
put('netlink/crash-done-int-min',
    bytes([PARSER['loop']]) + nlmsg(3, struct.pack('<i', -2**31) +
                                    pad(struct.pack('<HH', 9, 1) + b'bad\0x'),
                                    flags=0x200))
# An ACK with an extended-ACK message and offset, as the kernel sends.
put('netlink/ack-extack',
    bytes([PARSER['loop']]) + nlmsg(2, struct.pack('<i', -95) + nlmsg(0, b'', length=20)[:16] +
                                    pad(struct.pack('<HH', 12, 1) + b'no way\0\0') +
                                    struct.pack('<HHI', 8, 2, 20), flags=0x300))

# sock_diag: inet_diag_msg, a cgroup id, then an unaligned last attribute
# whose RTA_NEXT() wrapped the unsigned length and read on.
def diag_msg(attrs):
    m = struct.pack('<BBBB', 2, 1, 0, 0)                  # family, state, timer, retrans
    m += struct.pack('>HH', 40000, 80) + b'\x0a\0\0\1' + b'\0' * 12 + b'\x0a\0\0\2' + b'\0' * 12
    m += struct.pack('<I', 0) + struct.pack('<II', 0, 0)  # if, cookie
    m += struct.pack('<IIIII', 0, 0, 0, 0, 12345)         # expires, rq, wq, uid, inode
    assert len(m) == 72
    return nlmsg(20, m + attrs, flags=2)
cg = struct.pack('<HHQ', 12, 21, 0x1234)
put('netlink/sockdiag-cgroup', bytes([PARSER['sockdiag']]) + diag_msg(cg) + nlmsg(3, b'\0' * 4, flags=2))
m = diag_msg(cg + struct.pack('<HH', 5, 21) + b'\x01')
put('netlink/crash-sockdiag-unaligned-attr', bytes([PARSER['sockdiag']]) + pad(m))

# ---- counters: first byte picks the parser (see fuzz_counters.c) --------
for path, sel in (('/proc/net/netstat', 0), ('/proc/net/snmp', 0),
                  ('/proc/net/sockstat', 1), ('/proc/net/sockstat6', 1)):
    try:
        put('counters/host-' + os.path.basename(path), bytes([sel]) + open(path, 'rb').read())
    except OSError:
        pass
ct = ('entries  clashres found new invalid ignore delete chainlength insert '
      'insert_failed drop early_drop icmp_error  expect_new expect_create '
      'expect_delete search_restart\n')
row = '00000003  00000000 00000000 00000000 00000011 00000000 00000000 ' \
      '00000000 00000000 00000002 00000000 00000000 00000000  00000000 ' \
      '00000000 00000000 00000000\n'
put('counters/ct-stat', bytes([2]) + (ct + row + row).encode())
# Two CPUs near INT64_MAX: the sum overflowed (signed, undefined).
put('counters/crash-ct-stat-overflow',
    bytes([2]) + b'entries drop\n00000001 7fffffffffffffff\n00000001 7fffffffffffffff\n')
put('counters/crash-ct-stat-underflow',
    bytes([2]) + b'drop\n-8000000000000000\n-8000000000000000\n')
# /proc/irq/N/effective_affinity_list
put('counters/irq-affinity', bytes([3]) + b'0-3,8,10-11\n')
put('counters/irq-affinity-huge', bytes([3]) + b'0-99999999999999999999\n')

# ---- profiles ------------------------------------------------------------
for p in sorted(glob.glob('profiles/*.ini')):
    put('profile/' + os.path.basename(p), open(p, 'rb').read())
put('profile/crash-empty', b'')                    # memcpy from NULL
put('profile/bom', b'\xef\xbb\xbf[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n')
# Each include names a new path (d/p, d/d/p, ...) of the same text: four
# per level, 16 levels deep, unless the number of files is capped.
put('profile/include-bomb', '[profile]\n' + 'include = d/p\n' * 4 +
    '[sysctl]\nnet.ipv4.tcp_fin_timeout = 30\n')
ports = ','.join(str(p) for p in range(20000, 20200, 3))
put('profile/long-continued', '[sysctl]\nnet.ipv4.ip_local_reserved_ports = ' +
    ports[:100] + '\n\t' + ports[100:] + '\n[nic eth*]\noffload.tso = off\n')
# Sections longer than the parser's scan (8 keys): its key index, with
# keys set twice, an include repeating them and a section per device.
feats = ['rx-gro', 'tx-tcp-segmentation', 'tx-tcp6-segmentation', 'rx-lro',
         'tx-tcp-ecn-segmentation', 'rx-hashing', 'rx-vlan-hw-parse',
         'tx-generic-segmentation', 'rx-ntuple-filter', 'tso', 'gro', 'sg']
put('profile/long-sections', '[profile]\ninclude = again.ini\n[sysctl]\n' +
    ''.join(f'net.core.k{i % 10} = {i}\n' for i in range(14)) +
    ''.join(f'[nic eth{d}]\n' + ''.join(f'offload.{f} = {"on" if (i + d) % 2 else "off"}\n'
                                      for i, f in enumerate(feats + feats[:3]))
            for d in range(2)))

# ---- snapshots -----------------------------------------------------------
snap = ('; porttune snapshot 1: values found before they were changed.\n'
        '; Restore them with: porttune rollback 1\n\n'
        '[snapshot]\nid = 1\ncreated = 2026-11-21T10:00:00Z\ncommand = apply\n'
        'source = /etc/porttune/web.ini\nhost = h\nkernel = 6.1.0\n\n'
        '[sysctl]\nnet.ipv4.tcp_fin_timeout = 60\n\n[nic name=eth0]\noffload.tso = on\n')
put('snapshot/ok', snap)
put('snapshot/empty', b'')
put('snapshot/header-only', snap[:snap.index('[snapshot]')])
put('snapshot/meta-only', snap[:snap.index('[sysctl]')])
long_ports = ','.join(str(p) for p in range(10000, 10400, 2))
put('snapshot/long-reserved-ports',
    snap.replace('net.ipv4.tcp_fin_timeout = 60',
                 'net.ipv4.ip_local_reserved_ports = ' + long_ports[:110] +
                 '\n\t' + long_ports[110:220] + '\n\t' + long_ports[220:]))
put('snapshot/roundtrip-value', long_ports)
put('snapshot/many-interfaces', snap[:snap.index('[sysctl]')] +
    ''.join(f'[nic name=bv{d}]\n' + ''.join(f'offload.{f} = on\n' for f in feats[:9])
            for d in range(4)))
