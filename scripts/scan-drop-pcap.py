#!/usr/bin/env python3
"""Reads the victim-side captures of scripts/scan-drop-measure and prints, per scan, the time from the
scanner's first probe to the last reply the victim sent it, and how many probed ports got any answer.

usage: scan-drop-pcap.py SCANS_FILE
SCANS_FILE lines: TOOL KIND SCANNER_ADDR VICTIM_ADDR PCAP [measured|warmup]
"""
import statistics
import struct
import sys


def packets(path):
    """(time, src, dst, sport, dport) of every IPv4 TCP packet in a pcap with Ethernet framing."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = struct.unpack("<I", data[:4])[0]
    endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    nano = magic in (0xA1B23C4D, 0x4D3CB2A1)
    linktype = struct.unpack(endian + "I", data[20:24])[0]
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack(endian + "IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        t = sec + frac / (1e9 if nano else 1e6)
        ip = frame[14:] if linktype == 1 else frame[16:] if linktype == 113 else frame
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 6:
            continue
        ihl = (ip[0] & 15) * 4
        if len(ip) < ihl + 4:
            continue
        src = ".".join(str(b) for b in ip[12:16])
        dst = ".".join(str(b) for b in ip[16:20])
        sport, dport = struct.unpack(">HH", ip[ihl:ihl + 4])
        yield t, src, dst, sport, dport


def datagrams(path):
    """(time, payload) of every IPv4 UDP packet in a pcap with Ethernet framing (loopback is captured so)."""
    with open(path, "rb") as f:
        data = f.read()
    offset = 24
    while offset + 16 <= len(data):
        sec, frac, caplen, _ = struct.unpack("<IIII", data[offset:offset + 16])
        frame = data[offset + 16:offset + 16 + caplen]
        offset += 16 + caplen
        ip = frame[14:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        yield sec + frac / 1e6, ip[(ip[0] & 15) * 4 + 8:]


def hops(scans, lo_pcap, engine_log, monitor):
    """Per ScanJail scan, ms after the first probe: the listener's first datagram for the scanner, the engine's Ban line, the element in the kernel."""
    import datetime
    sent = list(datagrams(lo_pcap))
    bans = {}
    for line in open(engine_log, errors="replace"):
        if "] Ban " in line:
            at = datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc).timestamp()
            bans.setdefault(line.split("] Ban ")[1].split()[0], at)
    kernel = [(float(l.split(" ", 1)[0]), l) for l in open(monitor, errors="replace") if " " in l]
    print("%-16s %10s %10s %10s %10s %10s" % ("scanner", "datagram", "Ban log", "kernel", "last reply", "answered"))
    for line in open(scans):
        tool, kind, scanner, victim, pcap, role = line.split()[:6]
        if tool != "scanjail":
            continue
        first, last, answered, _ = measure(pcap, scanner, victim)
        needle = ("src=" + scanner + " ").encode()
        d = next((t for t, p in sent if needle in p and t >= first - 0.001), None)
        k = next((t for t, l in kernel if scanner + " " in l or scanner + "}" in l or scanner + "," in l), None)
        ms = lambda t: "%10.2f" % ((t - first) * 1000) if t is not None and first is not None else "%10s" % "?"
        print("%-16s %s %s %s %s %10d" % (scanner, ms(d), ms(bans.get(scanner)), ms(k), ms(last), answered))


def measure(pcap, scanner, victim, cache={}):
    if pcap not in cache:
        cache[pcap] = list(packets(pcap))
    first = None
    last = None
    answered = set()
    probes = 0
    for t, src, dst, sport, dport in cache[pcap]:
        if src == scanner and dst == victim:
            probes += 1
            if first is None:
                first = t
        elif src == victim and dst == scanner:
            last = t
            answered.add(sport)
    return first, last, len(answered), probes


def pct(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    # nearest rank: with 20 values, p99 is the largest
    rank = max(1, min(len(values), -(-len(values) * p // 100)))
    return values[int(rank) - 1]


def main():
    rows = {}
    print("%-10s %-6s %-16s %10s %9s %7s %13s" % ("tool", "scan", "scanner", "drop ms", "answered", "probes", "cpu wait ms"))
    for line in open(sys.argv[1]):
        tool, kind, scanner, victim, pcap, role = line.split()[:6]
        # The machine's CPU pressure during the scan's 5 s (scan-drop-measure's cpu_waited), when recorded.
        waited = line.split()[6] if len(line.split()) > 6 else "?"
        first, last, answered, probes = measure(pcap, scanner, victim)
        drop = (last - first) * 1000 if first is not None and last is not None else 0.0
        note = "  (warm-up, not counted)" if role == "warmup" else "  (no probe seen: nmap did not run, not counted)" if probes == 0 else ""
        print("%-10s %-6s %-16s %10.3f %9d %7d %13s%s" % (tool, kind, scanner, drop, answered, probes, waited, note))
        if role == "measured" and probes > 0:
            rows.setdefault((kind, tool), []).append((drop, answered))
    print()
    print("| scan | tool | scans | first probe -> last reply p50 ms | p99 ms | max ms | answered ports median | min | max |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (kind, tool), values in sorted(rows.items()):
        drops = [d for d, _ in values]
        answers = [a for _, a in values]
        print("| %s | %s | %d | %.2f | %.2f | %.2f | %g | %d | %d |" % (
            kind, tool, len(values), statistics.median(drops), pct(drops, 99), max(drops),
            statistics.median(answers), min(answers), max(answers)))


if sys.argv[1] == "--hops":
    hops(*sys.argv[2:6])
else:
    main()
