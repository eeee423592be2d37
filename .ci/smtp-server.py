#!/usr/bin/env python3
"""The SMTP server of the mail check: aiosmtpd (PyPI) on 127.0.0.1, on a free port.

Writes the port to PORTFILE, then stores every message accepted as `N.eml` (the bytes received,
CRLF kept) and `N.json` (MAIL FROM and RCPT TO of the envelope) in OUTDIR, until killed.
Usage: smtp-server.py OUTDIR PORTFILE
"""
import json
import os
import signal
import socket
import sys
import threading

from aiosmtpd.controller import Controller

OUT, PORTFILE = sys.argv[1], sys.argv[2]
os.makedirs(OUT, exist_ok=True)


class Store:
    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            name = os.path.join(OUT, str(self.count))
        with open(name + ".eml", "wb") as f:
            f.write(envelope.original_content)
        with open(name + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos}, f)
        return "250 Message accepted for delivery"


# A free port: the kernel picks one, then aiosmtpd takes it (its controller cannot start on port 0).
with socket.socket() as probe:
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
controller = Controller(Store(), hostname="127.0.0.1", port=port)
controller.start()
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(port))
os.replace(PORTFILE + ".tmp", PORTFILE)
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
signal.signal(signal.SIGINT, lambda *_: stop.set())
stop.wait()
controller.stop()
