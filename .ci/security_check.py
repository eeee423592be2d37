#!/usr/bin/env python3
"""The web security suite of .ci/security-check, from outside, with Python's standard library only.

Usage: security_check.py BASE_URL WORK   (accounts in SEC_COORDINATOR and SEC_PARTNER, login:password;
the request SEC_REQUEST asks for the partner's data; WORK holds the server's store copy vigie.sqlite).
Each check prints ✔ or ✘; any ✘ makes the exit status 1.
"""
import os
import re
import sqlite3
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid

BASE, WORK = sys.argv[1:3]
COORDINATOR = os.environ["SEC_COORDINATOR"].split(":", 1)
PARTNER = os.environ["SEC_PARTNER"].split(":", 1)
REQUEST = os.environ.get("SEC_REQUEST", "")
failures = []


def fail(text):
    failures.append(text)
    print("✘ " + text)


def ok(text):
    print("✔ " + text)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


opener = urllib.request.build_opener(NoRedirect)


def call(method, path, cookies=None, body=None, headers=None):
    """(status, headers as a list of (name, value), text)."""
    request = urllib.request.Request(BASE + path, data=body, method=method)
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    if cookies:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in cookies.items()))
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.getheaders(), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.items(), error.read().decode("utf-8", "replace")


def header(headers, name):
    return [v for k, v in headers if k.lower() == name.lower()]


def set_cookie(headers, name):
    for value in header(headers, "Set-Cookie"):
        if value.startswith(name + "="):
            return value
    return None


def form(fields):
    return urllib.parse.urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded"}


def csrf_of(text):
    found = re.search(r'name="csrf" value="([0-9a-f]{64})"', text)
    return found.group(1) if found else None


def log_in(account, fixed=None):
    """The login form as a browser fills it; returns (session cookie, csrf, Set-Cookie line)."""
    cookies = {"vigie_session": fixed} if fixed else {}
    status, headers, text = call("GET", "/connexion", cookies)
    token = set_cookie(headers, "vigie_connexion").split(";")[0].split("=", 1)[1]
    body, h = form({"login": account[0], "password": account[1], "csrf": csrf_of(text)})
    status, headers, _ = call("POST", "/connexion", dict(cookies, vigie_connexion=token), body, h)
    line = set_cookie(headers, "vigie_session")
    if status != 303 or not line:
        fail(f"connexion de {account[0]} : {status}")
        return None, None, None
    session = line.split(";")[0].split("=", 1)[1]
    status, headers, text = call("GET", "/", {"vigie_session": session})
    if status == 303:
        status, headers, text = call("GET", header(headers, "Location")[0], {"vigie_session": session})
    return session, csrf_of(text), line


def counts():
    db = sqlite3.connect(f"file:{os.path.join(WORK, 'vigie.sqlite')}?mode=ro", uri=True)
    tables = ["comment", "approval", "dispatch", "submission", "data_request", "request_answer", "web_user", "api_token"]
    result = {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}
    db.close()
    return result


def multipart(fields, files):
    boundary = "----securite" + uuid.uuid4().hex
    body = b""
    for k, v in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
    for name, data in files:
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="fichiers"; filename="{name}"\r\nContent-Type: text/csv\r\n\r\n'.encode()
        body += data + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


STAFF_PAGES = ["/", "/depots", "/classement", "/faits-marquants?semaine=2026-W47", "/bulletins", "/carte", "/recherche?commune=94028",
               "/demandes", "/depots/1"]
FORMS = ["/relances", "/depots", "/depots/1/colonnes", "/classement", "/faits-marquants/commentaires",
         "/faits-marquants/commentaires/supprimer", "/faits-marquants/approuver", "/faits-marquants/envoyer",
         "/bulletins/commentaires", "/bulletins/commentaires/supprimer", "/demandes", "/demandes/DR-2026-001/reponse",
         "/demandes/DR-2026-001/relance", "/demandes/DR-2026-001/traitement", "/deconnexion"]

# 1. Session fixation and cookie flags: a session id chosen beforehand is never the one given.
fixed = "ab" * 32
coordinator, coordinator_csrf, line = log_in(COORDINATOR, fixed=fixed)
if coordinator == fixed:
    fail("fixation de session : l'identifiant imposé avant la connexion est gardé")
else:
    status, headers, _ = call("GET", "/", {"vigie_session": fixed})
    if status == 303 and header(headers, "Location") == ["/connexion"]:
        ok("fixation de session : un identifiant imposé avant la connexion n'ouvre rien, la connexion en donne un neuf")
    else:
        fail(f"fixation de session : l'identifiant imposé ouvre {status}")
flags = [f.strip().lower() for f in (line or "").split(";")[1:]]
if "httponly" in flags and "samesite=strict" in flags and "path=/" in flags and any(f.startswith("max-age=") for f in flags):
    ok(f"cookie de session : {'; '.join(flags)} (Secure quand settings.yaml dit secure_cookies: true, derrière HTTPS)")
else:
    fail(f"cookie de session sans ses attributs : {line}")
partner, partner_csrf, _ = log_in(PARTNER)

# 2. Security headers on every page, the login page and an error included.
for path, cookies in [("/connexion", None), ("/page-inexistante", {"vigie_session": coordinator}), ("/partenaire", {"vigie_session": partner})] \
        + [(p, {"vigie_session": coordinator}) for p in STAFF_PAGES]:
    status, headers, _ = call("GET", path, cookies)
    csp = " ".join(header(headers, "Content-Security-Policy"))
    problems = [name for name, good in [
        ("Content-Security-Policy", "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp),
        ("X-Content-Type-Options", header(headers, "X-Content-Type-Options") == ["nosniff"]),
        ("Referrer-Policy", header(headers, "Referrer-Policy") == ["no-referrer"]),
        ("X-Frame-Options", header(headers, "X-Frame-Options") == ["DENY"]),
        ("Cache-Control", bool(header(headers, "Cache-Control")))] if not good]
    if problems:
        fail(f"en-têtes de sécurité absents ou faibles sur {path} ({status}) : {', '.join(problems)}")
ok(f"en-têtes de sécurité (CSP sans unsafe-inline, frame-ancestors 'none', nosniff, no-referrer, DENY) sur {len(STAFF_PAGES) + 3} pages")

# 3. CSRF on every form: without the token, or with another, 403 and nothing changes.
before = counts()
for path in FORMS:
    for fields in [{}, {"csrf": "0" * 64}, {"csrf": partner_csrf or ""}]:
        body, h = form(dict(fields, semaine="2026-W47", commune="94028", texte="csrf", partner="police-nationale"))
        status, _, _ = call("POST", path, {"vigie_session": coordinator}, body, h)
        if status != 403:
            fail(f"CSRF : POST {path} avec le jeton {fields.get('csrf', 'absent')[:8]}… répond {status} au lieu de 403")
after = counts()
if before == after:
    ok(f"CSRF : {len(FORMS)} formulaires refusés sans le jeton de la session (absent, faux, celui d'une autre session), base inchangée")
else:
    fail(f"CSRF : la base a changé : {before} → {after}")

# 4. Uploads: names with a path or control characters refused, nothing written outside.
before = counts()
sample = open(os.path.join("SampleData", "strav", "incidents-transport", "strav_incidents_2026-10.csv"), "rb").read()
for name in ["../../evil.csv", "..\\evil.csv", ".evil.csv", "ev\x01il.csv", "/tmp/evil.csv"]:
    body, h = multipart({"csrf": partner_csrf, "flux": "incidents-transport"}, [(name, sample)])
    status, _, text = call("POST", "/partenaire/depots", {"vigie_session": partner}, body, h)
    if status != 400 or "Nom de fichier refusé" not in text:
        fail(f"dépôt nommé {name!r} : {status}")
evil = [os.path.join(d, f) for d, _, files in os.walk(WORK) for f in files if "evil" in f] + \
       [p for p in ["/tmp/evil.csv", os.path.join(os.path.dirname(WORK), "evil.csv")] if os.path.exists(p)]
if counts() == before and not evil:
    ok("dépôts aux noms piégés (../, \\, point initial, caractère de contrôle, chemin absolu) refusés, rien écrit ni enregistré")
else:
    fail(f"dépôt piégé : fichiers {evil}, base {before} → {counts()}")
for path in ["/depots/..%2F..%2Fvigie.sqlite/original", "/demandes/DR-2026-001/paquet/..%2F..%2F..%2Fvigie.sqlite",
             "/demandes/DR-2026-001/paquet/%2e%2e%2f%2e%2e%2fvigie.sqlite", "/demandes/..%2F..%2Fetc/paquet/passwd"]:
    status, _, text = call("GET", path, {"vigie_session": coordinator})
    if status not in (400, 404) or "SQLite format" in text or "root:" in text:
        fail(f"traversée de chemin : {path} répond {status}")
ok("traversée de chemin dans les téléchargements : 404, aucun fichier hors de son dossier")

# 5. XSS: what a partner controls (file name, cell values, a refusal's reason), rendered in every page.
payloads = ["<script>alert(1)</script>", "<img src=x onerror=alert(2)>", "\"><svg onload=alert(3)>", "'\u0301 onfocus=alert(4) autofocus '\u0301"]
lines = sample.decode("utf-8-sig").splitlines()
rows = [lines[0], lines[1].replace("/10/2026", "/11/2026").replace("Agression d'agent", payloads[0])]
rows.append(payloads[2] + ";J1;Descartes;Créteil;Tags;x;y")                       # a date that is markup: rejected, shown
rows.append(lines[2].replace("/10/2026", "/11/2026").replace("Descartes", payloads[3]))
name = f"strav_incidents_2026-11 {payloads[1]}.csv"
body, h = multipart({"csrf": partner_csrf, "flux": "incidents-transport"}, [(name, ("\r\n".join(rows) + "\r\n").encode())])
status, _, text = call("POST", "/partenaire/depots", {"vigie_session": partner}, body, h)
depot = re.search(r'href="/partenaire/depots/([0-9]+)"', text)
if status != 200 or not depot:
    fail(f"XSS : le dépôt piégé n'a pas été chargé ({status}) : {text[:300]}")
if REQUEST:
    body, h = form({"csrf": partner_csrf, "decision": "refus", "motif": payloads[2]})
    call("POST", f"/partenaire/demandes/{REQUEST}/reponse", {"vigie_session": partner}, body, h)
pages = [(p, coordinator) for p in STAFF_PAGES] + [("/recherche?commune=94028&nature=" + urllib.parse.quote(payloads[0]), coordinator),
         ("/partenaire", partner)]
if depot:
    pages += [(f"/depots/{depot.group(1)}", coordinator), (f"/partenaire/depots/{depot.group(1)}", partner)]
if REQUEST:
    pages += [(f"/demandes/{REQUEST}", coordinator), (f"/partenaire/demandes/{REQUEST}", partner)]
raw = re.compile(r"<script>alert|<img src=x|<svg onload|onfocus=alert\(4\) autofocus '", re.IGNORECASE)
shown = 0
for path, session in pages:
    status, _, text = call("GET", path, {"vigie_session": session})
    if raw.search(text):
        fail(f"XSS : une valeur du partenaire est rendue telle quelle dans {path} : {raw.search(text).group(0)}")
    shown += text.count("&lt;script&gt;alert(1)") + text.count("&lt;img src=x") + text.count("&lt;svg onload")
if shown == 0:
    fail("XSS : les valeurs piégées n'apparaissent nulle part (le contrôle ne prouve rien)")
elif not any("XSS" in f for f in failures):
    ok(f"XSS : nom de fichier, cellules, valeur rejetée et motif de refus échappés dans {len(pages)} pages ({shown} occurrences échappées, aucune brute)")

# 6. Login throttling, last (it locks this address for a minute): five failures, then the right password is refused too.
statuses = []
for attempt in range(6):
    status, headers, text = call("GET", "/connexion")
    token = set_cookie(headers, "vigie_connexion").split(";")[0].split("=", 1)[1]
    password = COORDINATOR[1] if attempt == 5 else "mauvais mot de passe " + str(attempt)
    body, h = form({"login": COORDINATOR[0], "password": password, "csrf": csrf_of(text)})
    status, headers, _ = call("POST", "/connexion", {"vigie_connexion": token}, body, h)
    statuses.append(status)
if statuses[:5] == [401] * 5 and statuses[5] == 429:
    ok("connexions freinées : 5 échecs (401), puis même le bon mot de passe attend (429)")
else:
    fail(f"connexions freinées : {statuses}")

if failures:
    print(f"{len(failures)} défaut(s).")
    sys.exit(1)
print("Sécurité web : aucun défaut.")
