# SPDX-License-Identifier: MIT
# Print N distinct TCP ports that are free on 127.0.0.1 right now, one per line.
#
# Ports come from 20000-32767, below Linux's ephemeral range (32768-60999), so
# the kernel never hands them to an outgoing connection in the meantime. Two
# test runs can still race for one; servers.sh retries the start on a new set
# when a bind fails.
import random
import socket
import sys

n = int(sys.argv[1]) if len(sys.argv) > 1 else 1
held = []
ports = []
rng = random.SystemRandom()
tries = 0
while len(ports) < n:
    tries += 1
    if tries > 1000:
        sys.exit("free-ports: no free port found in 20000-32767")
    port = rng.randint(20000, 32767)
    if port in ports:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        s.close()
        continue
    held.append(s)
    ports.append(port)
for s in held:
    s.close()
print("\n".join(str(p) for p in ports))
