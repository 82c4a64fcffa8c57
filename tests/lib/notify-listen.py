# SPDX-License-Identifier: MIT
# A stand-in for systemd's notification socket (sd_notify(3)): binds a
# unix datagram socket at PATH and appends every line of every datagram
# it receives to OUT as "SECONDS.MILLIS LINE" (monotonic clock of this
# host, so a test can measure gaps between WATCHDOG=1 pings). Runs until
# killed. Writes PATH.ready once it listens.
#
# usage: notify-listen.py PATH OUT
import os
import socket
import sys
import time


def main():
    path, out = sys.argv[1], sys.argv[2]
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    with open(path + ".ready", "w"):
        pass
    with open(out, "a", buffering=1) as f:
        while True:
            data = s.recv(65536)
            now = time.monotonic()
            for line in data.decode("utf-8", "replace").split("\n"):
                if line:
                    f.write("%.3f %s\n" % (now, line))


if __name__ == "__main__":
    main()
