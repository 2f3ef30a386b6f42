#!/usr/bin/env python3
"""recvtty.py SOCKET OUTPUT [--input TEXT] [--timeout S]

The receiving end of `--console-socket` (runc's protocol): listen on the unix
socket SOCKET, accept one connection, receive the pty master over SCM_RIGHTS,
then copy everything read from the master to OUTPUT until the container side
closes (EIO/EOF) or the timeout expires.  With --input, TEXT is written to the
master first.  Prints `listening` once the socket is bound, and `got-fd
TARGET` (the /proc/self/fd link of the received fd) on stdout.  Exit 0 if a
pty fd was received, 2 on timeout, 1 on other errors.
"""
import argparse
import os
import select
import socket
import sys
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("output")
    ap.add_argument("--input", default=None)
    ap.add_argument("--timeout", type=float, default=20.0)
    a = ap.parse_args()
    deadline = time.monotonic() + a.timeout

    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.socket)
    srv.listen(1)
    print("listening", flush=True)
    srv.settimeout(a.timeout)
    try:
        conn, _ = srv.accept()
    except socket.timeout:
        print("timeout waiting for the runtime", file=sys.stderr)
        return 2
    conn.settimeout(max(0.1, deadline - time.monotonic()))
    _msg, fds, _flags, _addr = socket.recv_fds(conn, 4096, 4)
    conn.close()
    srv.close()
    if not fds:
        print("no fd received", file=sys.stderr)
        return 1
    master = fds[0]
    for extra in fds[1:]:
        os.close(extra)
    print("got-fd", os.readlink("/proc/self/fd/%d" % master), flush=True)
    if a.input is not None:
        os.write(master, a.input.encode())
    with open(a.output, "ab", buffering=0) as out:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                print("timeout reading the pty", file=sys.stderr)
                return 2
            r, _, _ = select.select([master], [], [], left)
            if not r:
                continue
            try:
                data = os.read(master, 4096)
            except OSError:  # EIO: every slave fd is closed
                break
            if not data:
                break
            out.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
