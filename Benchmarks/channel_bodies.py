"""Signed Twilio webhook deliveries for Benchmarks/channels.sh, one per line: each body once, each a new
message id, three messages per sender (one new case, two continued), signed as Twilio signs them (HMAC-SHA1 over the
public URL and the sorted parameters). Also the 20 KB multipart e-mail the e-mail intake benchmark sends.
Usage: channel_bodies.py twilio URL TOKEN COUNT > bodies.tsv | channel_bodies.py mail > template.eml"""
import base64
import hashlib
import hmac
import sys
from urllib.parse import urlencode


def twilio(url: str, token: str, count: int) -> None:
    # One delivery per line, signature then body: wrk's Lua reads them at start (a table literal this big is too many constants).
    for i in range(count):
        params = {"MessageSid": f"SMbench{i:08d}", "AccountSid": "ACbench", "From": f"+6011{i // 3:08d}", "To": "+60388801000",
                  "Body": f"Lampu jalan di Jalan {i % 97} padam sejak semalam. Mesej {i}.", "NumMedia": "0"}
        signed = url + "".join(k + params[k] for k in sorted(params))
        signature = base64.b64encode(hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()).decode()
        print(signature + "\t" + urlencode(params))


def mail() -> None:
    text = ("Tuan/Puan, saya ingin membuat aduan tentang kelewatan permohonan lesen perniagaan saya. " * 60)[:5000]
    pdf = b"%PDF-1.4\n" + bytes(range(256)) * 26 + b"\n%%EOF\n"
    attachment = base64.encodebytes(pdf).decode().replace("\n", "\r\n")
    html = "<html><body><p>" + text.replace(". ", ".</p><p>") + "</p></body></html>"
    parts = [
        "From: \"Pengadu @N@\" <pengadu.@N@@example.my>\r\nTo: aduan@layan.example\r\nSubject: =?UTF-8?Q?Aduan_kelewatan_=E2=80=93_@N@?=\r\n"
        "Message-ID: <bench-@N@@example.my>\r\nDate: Wed, 2 Dec 2026 09:00:00 +0800\r\nMIME-Version: 1.0\r\n"
        "Content-Type: multipart/mixed; boundary=\"mixed\"\r\n\r\n--mixed\r\nContent-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n"
        "--alt\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + text + "\r\n--alt\r\n"
        "Content-Type: text/html; charset=utf-8\r\n\r\n" + html + "\r\n--alt--\r\n--mixed\r\n"
        "Content-Type: application/pdf; name=\"resit.pdf\"\r\nContent-Disposition: attachment; filename=\"resit.pdf\"\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n" + attachment + "--mixed--\r\n"
    ]
    sys.stdout.write(parts[0])


if __name__ == "__main__":
    if sys.argv[1] == "twilio":
        twilio(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        mail()
