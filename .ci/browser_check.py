#!/usr/bin/env python3
"""The browser check of .ci/browser-check, in headless Chromium driven by Selenium.

Every page opened fails the check on a console error, on a request to anything but the server, or
on a page that is not the one asked; a screenshot of each page and step goes to OUTDIR/NN-<step>.png.
Expected values come from the input files (SampleData/, the files written here, the Config copy),
never from the page under test.

Phase « parcours » (server with the Config copy's sendmail pointing at the local SMTP server):
  the assistant logs in, opens every page, uploads on « Dépôts » a sample file already loaded, a new
  month of a partner feed (load report checked), a file with a renamed column (refused, mapped,
  loaded; partners.yaml of the copy updated, a backup beside it), classifies on « Classement » the
  unknown nature that new month carries, comments each commune's faits marquants of 2026-W47 and
  logs out; the coordinator logs in, approves and sends each commune's message, and the messages the
  SMTP server received are checked (one per commune, subject naming the week, the comment in it).
Phase « relances » (server with `web: outbox`): the dashboard's first « Relancer » button writes
  one reminder into WORK/envois. Then the spaces of the other roles: the partner STRAV logs in, lands
  on its space, uploads a file with a bad row and reads the row to correct, answers the request
  BROWSER_REQUEST that asks for its data (refusal with its reason), and is refused an observatory
  page; an elected official of Créteil reads its commune's monthly bulletin and is refused
  Alfortville's.
Usage: browser_check.py PHASE BASE_URL OUTDIR WORK
  accounts in BROWSER_ASSISTANT and BROWSER_COORDINATOR (login:password).
"""
import csv
import email
import email.policy
import io
import json
import os
import shutil
import sys
import time
from urllib.parse import urlparse

import yaml
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

PHASE, BASE, OUT, WORK = sys.argv[1:5]
ASSISTANT = os.environ["BROWSER_ASSISTANT"].split(":", 1)
COORDINATOR = os.environ["BROWSER_COORDINATOR"].split(":", 1)
PARTNER = os.environ.get("BROWSER_PARTNER", ":").split(":", 1)
ELU = os.environ.get("BROWSER_ELU", ":").split(":", 1)
REQUEST = os.environ.get("BROWSER_REQUEST", "")
CONFIG = os.path.join(WORK, "Config")
WEEK = "2026-W47"
# The pages of the application, with a text each must show once logged in.
PAGES = [
    ("tableau-de-bord", "/", "À faire"),
    ("depots", "/depots", "Dépôts"),
    ("classement", "/classement", "Classement"),
    ("faits-marquants", f"/faits-marquants?semaine={WEEK}", "Faits marquants"),
    ("bulletins", "/bulletins", "Bulletins"),
    ("carte", "/carte", "Carte"),
    ("recherche", "/recherche", "Recherche"),
    ("demandes", "/demandes", "Demandes"),
]

options = webdriver.ChromeOptions()
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"]:
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
# Debian's chromium and chromedriver, named here: Selenium Manager would otherwise look for a
# browser on the network (googlechromelabs.github.io), a request outside 127.0.0.1.
options.binary_location = shutil.which("chromium")
driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(executable_path=shutil.which("chromedriver")))
failures = []
server = urlparse(BASE).netloc
shots = 0
opened = 0


def fail(text):
    failures.append(text)
    print("✘ " + text)


def ok(text):
    print("✔ " + text)


def check_logs(page):
    global opened
    opened += 1
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE":
            fail(f"{page} : erreur de console : {entry.get('message')}")
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            parsed = urlparse(url)
            if parsed.scheme in ("data", "about", "blob"):
                continue
            if parsed.netloc != server:
                fail(f"{page} : requête hors du serveur : {url}")


def shot(step):
    """Screenshot of the whole page (its full height), numbered in the order of the steps."""
    global shots
    shots += 1
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 1000)")
    driver.set_window_size(1280, min(height, 6000))
    driver.save_screenshot(f"{OUT}/{PHASE[:1]}{shots:02d}-{step}.png")
    driver.set_window_size(1280, 1000)


def click_and_wait(element):
    """Clicks a link or a form's button and waits for the page it leads to (a click returns
    before the browser has the answer: reading at once may read the old page). The old page is
    marked; the new one has no mark and is loaded. While the browser navigates, a question to it
    may fail (« Node … does not belong to the document »): that is « not yet »."""
    driver.execute_script("window.vigieOldPage = true")
    element.click()

    def arrived(d):
        try:
            return d.execute_script("return window.vigieOldPage === undefined && document.readyState === 'complete'")
        except WebDriverException:
            return False
    WebDriverWait(driver, 60).until(arrived)


def body():
    return driver.find_element(By.TAG_NAME, "body").text


def settle(step):
    """After a page load or a form: screenshot, console and network checked."""
    shot(step)
    check_logs(step)


def log_in(account, role):
    login, password = account
    driver.get(BASE + "/")
    if "/connexion" not in driver.current_url:
        fail(f"sans session, / mène à {driver.current_url} au lieu de /connexion")
    settle(f"connexion-{role}")
    driver.find_element(By.NAME, "login").send_keys(login)
    driver.find_element(By.NAME, "password").send_keys(password)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form.login button[type=submit]"))
    account_box = driver.find_elements(By.CSS_SELECTOR, "header .account span")
    if "/connexion" in driver.current_url or not account_box or f"({role})" not in account_box[0].text:
        fail(f"connexion de « {login} » ({role}) : la page ne montre pas le compte ({driver.current_url})")
    else:
        ok(f"connecté par le formulaire : {account_box[0].text}")
    check_logs(f"connexion {role}")


def log_out(role):
    buttons = [b for b in driver.find_elements(By.CSS_SELECTOR, "header .account button") if b.text == "Se déconnecter"]
    if not buttons:
        fail(f"{role} : aucun bouton « Se déconnecter »")
        return
    click_and_wait(buttons[0])
    check_logs(f"déconnexion {role}")
    driver.get(BASE + "/faits-marquants")
    if "/connexion" not in driver.current_url:
        fail(f"après la déconnexion de {role}, /faits-marquants mène à {driver.current_url}")
    else:
        ok(f"{role} déconnecté : /faits-marquants renvoie à la connexion")
    check_logs(f"après déconnexion {role}")


def open_pages(role):
    for name, path, expected in PAGES:
        driver.get(BASE + path)
        if "/connexion" in driver.current_url:
            fail(f"{role} — {name} : renvoyé à la connexion après s'être connecté")
        elif expected not in body():
            fail(f"{role} — {name} : « {expected} » absent de la page")
        else:
            ok(f"{role} — {name} ({path})")
        settle(f"{role}-{name}")


def report_counts(section):
    """The rows of a load report's table.depot-counts: header → text."""
    return {tr.find_element(By.TAG_NAME, "th").text: tr.find_element(By.TAG_NAME, "td").text
            for tr in section.find_elements(By.CSS_SELECTOR, "table.depot-counts tr")}


def upload(paths, feed):
    driver.get(BASE + "/depots")
    driver.find_element(By.ID, "fichiers").send_keys("\n".join(os.path.abspath(p) for p in paths))
    if feed:
        Select(driver.find_element(By.ID, "flux")).select_by_value(feed)
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form.depot-upload button[type=submit]"))
    return driver.find_elements(By.CSS_SELECTOR, "section.depot-file")


def check_loaded(section, what, rows):
    """A report that says « chargé » with `rows` rows read and loaded, none rejected."""
    status = section.find_element(By.TAG_NAME, "strong").text
    counts = report_counts(section)
    expected = {"Lignes lues": str(rows), "Lignes chargées": str(rows), "Lignes rejetées": "0"}
    seen = {k: counts.get(k) for k in expected}
    if status != "chargé" or seen != expected:
        fail(f"{what} : état « {status} », {seen} ; attendu « chargé », {expected}")
        return False
    ok(f"{what} : chargé, {rows} ligne(s) lue(s), {rows} chargée(s), 0 rejetée (comptées dans le fichier)")
    return True


def partners():
    return yaml.safe_load(open(os.path.join(CONFIG, "partners.yaml"), encoding="utf-8"))


def feed_of(config, partner, feed):
    return next(f for p in config["partners"] if p["id"] == partner for f in p["feeds"] if f["id"] == feed)


def backups():
    return {f for f in os.listdir(CONFIG) if f.startswith("partners") and f != "partners.yaml"}


def read_csv(path, encoding):
    with open(path, encoding=encoding, newline="") as f:
        rows = [r for r in csv.reader(f, delimiter=";") if any(cell.strip() for cell in r)]
    return rows[0], rows[1:]


def write_csv(path, encoding, header, rows):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows([header] + rows)
    with open(path, "w", encoding=encoding, newline="") as f:
        f.write(buffer.getvalue())


def depots():
    """« Dépôts » as the assistant: a file already loaded, a new month, a file with a renamed column."""
    files = os.path.join(WORK, "fichiers")
    os.makedirs(files, exist_ok=True)
    config = partners()

    # A sample file the demo store already holds: recognised, not loaded twice.
    sample = "SampleData/strav/incidents-transport/strav_incidents_2026-10.csv"
    sections = upload([sample], "strav/incidents-transport")
    status = sections[0].find_element(By.TAG_NAME, "strong").text if sections else "aucun compte rendu"
    if status != "déjà intégré":
        fail(f"dépôt de {os.path.basename(sample)} (déjà chargé par la démonstration) : « {status} », attendu « déjà intégré »")
    else:
        ok(f"dépôt de {os.path.basename(sample)} : déjà intégré, pas chargé deux fois")
    settle("depot-deja-integre")

    # The same STRAV sample moved to November 2026 (a month the demo does not have), two rows with
    # a nature that partners.yaml does not know: loaded, the nature « non classé ».
    strav = feed_of(config, "strav", "incidents-transport")
    header, rows = read_csv(sample, "utf-8-sig")
    date_col, nature_col = header.index(strav["columns"]["date"]), header.index(strav["columns"]["nature"])
    unknown = "Jet de projectile"
    assert unknown not in strav["natures"], "la nature d'essai est déjà dans partners.yaml"
    for i, row in enumerate(rows):
        day, month, year = row[date_col].split("/")
        assert (month, year) == ("10", "2026"), row
        row[date_col] = f"{min(int(day), 30):02d}/11/2026"
        if i < 2:
            row[nature_col] = unknown
    november = os.path.join(files, "strav_incidents_2026-11.csv")
    write_csv(november, "utf-8-sig", header, rows)
    sections = upload([november], "strav/incidents-transport")
    if not sections:
        fail(f"dépôt de {os.path.basename(november)} : aucun compte rendu ; la page dit : {body()[:300]}")
    else:
        check_loaded(sections[0], f"dépôt de {os.path.basename(november)}", len(rows))
        expected = f"« {unknown} » (2)"
        if expected not in sections[0].text:
            fail(f"dépôt de {os.path.basename(november)} : « {expected} » absent des natures « non classé » du compte rendu")
        else:
            ok(f"compte rendu : nature « non classé » {expected}, avec le lien « les classer »")
    settle("depot-rapport")

    # A Créteil Habitat file (November 2026) whose « Résidence » header is misspelt: refused, the
    # page offers to map the column; mapped, it loads and partners.yaml holds the new header.
    ch = feed_of(config, "creteil-habitat", "incidents-residences")
    sample = "SampleData/creteil-habitat/incidents-residences/ch_incidents_2026-10.csv"
    header, rows = read_csv(sample, "latin-1")
    expected_header = ch["columns"]["unit"]
    renamed = "Résidance"
    header[header.index(expected_header)] = renamed
    period_col = header.index(ch["columns"]["period"])
    for row in rows:
        assert row[period_col] == "10/2026", row
        row[period_col] = "11/2026"
    misspelt = os.path.join(files, "ch_incidents_2026-11.csv")
    write_csv(misspelt, "latin-1", header, rows)
    before = backups()
    sections = upload([misspelt], "creteil-habitat/incidents-residences")
    links = driver.find_elements(By.PARTIAL_LINK_TEXT, "Faire correspondre les colonnes")
    status = sections[0].find_element(By.TAG_NAME, "strong").text if sections else "aucun compte rendu"
    if status != "refusé" or not links:
        fail(f"dépôt de {os.path.basename(misspelt)} (« {expected_header} » renommée « {renamed} ») : « {status} », "
             f"{len(links)} lien de correspondance ; attendu « refusé » et le lien")
        settle("depot-colonne-renommee")
        return
    ok(f"dépôt de {os.path.basename(misspelt)} (« {expected_header} » renommée « {renamed} ») : refusé, correspondance proposée")
    settle("depot-colonne-renommee")
    click_and_wait(links[0])
    select = driver.find_elements(By.NAME, "colonne.unit")
    if not select:
        fail(f"correspondance : pas de choix pour « {expected_header} » (unit) ; la page dit : {body()[:300]}")
        settle("depot-correspondance")
        return
    choice = [o for o in Select(select[0]).options if o.text.endswith(f": {renamed}")]
    if len(choice) != 1:
        fail(f"correspondance : l'en-tête « {renamed} » n'est pas proposé une fois ({[o.text for o in Select(select[0]).options]})")
        settle("depot-correspondance")
        return
    Select(select[0]).select_by_value(choice[0].get_attribute("value"))
    settle("depot-correspondance")
    click_and_wait(select[0].find_element(By.XPATH, "./ancestor::form").find_element(By.CSS_SELECTOR, "button[type=submit]"))
    sections = driver.find_elements(By.CSS_SELECTOR, "section.depot-file")
    if not sections:
        fail(f"correspondance enregistrée : aucun compte rendu ; la page dit : {body()[:300]}")
    else:
        check_loaded(sections[0], f"{os.path.basename(misspelt)} rechargé après la correspondance", len(rows))
    mapped = feed_of(partners(), "creteil-habitat", "incidents-residences")["columns"].get("unit")
    added = backups() - before
    if mapped != renamed or not added:
        fail(f"partners.yaml de la copie : unit → « {mapped} » (attendu « {renamed} »), copie de sauvegarde : {sorted(added) or 'aucune'}")
    else:
        ok(f"partners.yaml de la copie : unit lu dans « {renamed} » ; ancienne version gardée sous {', '.join(sorted(added))}")
    settle("depot-colonnes-enregistrees")


def classement():
    """« Classement » as the assistant: the nature the November file brought gets a category."""
    nature, category = "Jet de projectile", "destructions-degradations"
    nomenclature = yaml.safe_load(open(os.path.join(CONFIG, "nomenclature.yaml"), encoding="utf-8"))
    label = next(c["label"] for c in nomenclature["categories"] if c["id"] == category)
    strav_name = next(p["name"] for p in partners()["partners"] if p["id"] == "strav")

    def row():
        for tr in driver.find_elements(By.CSS_SELECTOR, "table.classement tbody tr"):
            cells = tr.find_elements(By.TAG_NAME, "td")
            if len(cells) == 4 and cells[0].text.startswith(strav_name) and cells[1].text == f"« {nature} »":
                return tr
        return None

    driver.get(BASE + "/classement")
    tr = row()
    if tr is None:
        fail(f"classement : « {nature} » (STRAV) absent des natures « non classé »")
        settle("classement-a-classer")
        return
    rows = tr.find_elements(By.TAG_NAME, "td")[2].text
    if rows != "2":
        fail(f"classement : « {nature} » compte {rows} ligne(s), 2 attendues (le fichier déposé)")
    Select(tr.find_element(By.NAME, "category")).select_by_value(category)
    settle("classement-a-classer")
    before = backups()
    click_and_wait(tr.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    said = f"« {nature} » est classé en « {label} » : 2 ligne(s) reclassée(s)"
    if said not in body():
        fail(f"classement : « {said} » absent ; la page dit : {body()[:400]}")
    else:
        ok(f"classement : {said}")
    if row() is not None:
        fail(f"classement : « {nature} » encore dans la liste après l'avoir classé")
    else:
        ok(f"classement : « {nature} » n'est plus dans la liste")
    config = partners()
    strav = feed_of(config, "strav", "incidents-transport")["natures"].get(nature)
    ratp = feed_of(config, "ratp", "incidents-transport")["natures"].get(nature)
    added = backups() - before
    if strav != category or ratp is not None or not added:
        fail(f"partners.yaml de la copie : STRAV « {nature} » → {strav}, RATP → {ratp} (attendu {category} et rien), "
             f"sauvegarde : {sorted(added) or 'aucune'}")
    else:
        ok(f"partners.yaml de la copie : « {nature} » → {category} pour STRAV seulement (RATP, qui partage la liste, inchangé) ; "
           f"sauvegarde {', '.join(sorted(added))}")
    settle("classement-classe")


def communes():
    """INSEE code → name, for the communes of the Config copy's recipients.yaml."""
    recipients = yaml.safe_load(open(os.path.join(CONFIG, "recipients.yaml"), encoding="utf-8"))
    territory = yaml.safe_load(open(os.path.join(CONFIG, "territory.yaml"), encoding="utf-8"))
    names = {c["insee"]: c["name"] for c in territory["communes"]}
    return {insee: names[insee] for insee in recipients["communes"]}, recipients


def comment_for(insee):
    return f"Note de l'assistante pour {insee} : <b>en clair</b>"


def faits_marquants_assistant():
    """The assistant comments each commune's message; she has no « Approuver » nor « Envoyer »."""
    page = f"{BASE}/faits-marquants?semaine={WEEK}"
    driver.get(page)
    actions = driver.find_elements(By.CSS_SELECTOR, "form.fm-action")
    if actions:
        fail(f"faits marquants : l'assistante voit {len(actions)} bouton(s) « Approuver »/« Envoyer »")
    else:
        ok("faits marquants : l'assistante n'a ni « Approuver » ni « Envoyer »")
    for insee, name in communes()[0].items():
        area = driver.find_elements(By.ID, f"texte-{insee}")
        if not area:
            fail(f"faits marquants : pas de formulaire de commentaire pour {name}")
            continue
        area[0].send_keys(comment_for(insee))
        click_and_wait(area[0].find_element(By.XPATH, "./ancestor::form").find_element(By.TAG_NAME, "button"))
        check_logs(f"commentaire {name}")
        driver.get(page)
        section = driver.find_element(By.ID, f"commune-{insee}")
        message = section.find_element(By.CSS_SELECTOR, "pre.fm-message").text
        listed = " ".join(li.text for li in section.find_elements(By.CSS_SELECTOR, "ul.fm-comments li"))
        if comment_for(insee) not in message or comment_for(insee) not in listed:
            fail(f"faits marquants, {name} : le commentaire n'est pas dans le message (en texte, balises comprises) et la liste")
        else:
            ok(f"faits marquants, {name} : commentaire de l'assistante dans le message, en texte")
    settle("faits-marquants-commentes")


def faits_marquants_coordinator():
    """The coordinator approves then sends each commune's message; the SMTP server receives them."""
    page = f"{BASE}/faits-marquants?semaine={WEEK}"
    names, recipients = communes()
    for verb, done in (("Approuver", "approuvé le"), ("Envoyer", "envoyé le")):
        for insee, name in names.items():
            driver.get(page)
            section = driver.find_element(By.ID, f"commune-{insee}")
            buttons = [b for b in section.find_elements(By.CSS_SELECTOR, "form.fm-action button") if b.text.startswith(verb)]
            if not buttons:
                fail(f"faits marquants, {name} : pas de bouton « {verb} » pour le coordinateur")
                continue
            click_and_wait(buttons[0])
            check_logs(f"{verb} {name}")
            driver.get(page)
            detail = driver.find_element(By.ID, f"commune-{insee}").text
            if done not in detail:
                fail(f"faits marquants, {name} : « {done} … » absent après « {verb} »")
            else:
                ok(f"faits marquants, {name} : {verb.lower()} → « {done} … »")
        settle(f"faits-marquants-{verb.lower()}")

    # What the SMTP server received: one message per commune, subject naming the week, the comment in it.
    received = os.path.join(WORK, "received")
    for _ in range(50):
        emls = sorted(f for f in os.listdir(received) if f.endswith(".eml")) if os.path.isdir(received) else []
        if len(emls) >= len(names):
            break
        time.sleep(0.1)
    if len(emls) != len(names):
        fail(f"serveur SMTP : {len(emls)} message(s) reçu(s), {len(names)} attendu(s) (une commune approuvée chacun)")
    week_number = int(WEEK.split("W")[1])
    seen = set()
    for f in emls:
        msg = email.message_from_bytes(open(os.path.join(received, f), "rb").read(), policy=email.policy.default)
        subject = str(msg["subject"])
        match = [i for i, n in names.items() if subject == f"Faits marquants — semaine {week_number} — {n}"]
        if not match:
            fail(f"{f} : objet « {subject} » ne nomme ni la semaine {week_number} ni une commune de recipients.yaml")
            continue
        insee = match[0]
        seen.add(insee)
        to = sorted(a.addr_spec for a in msg["to"].addresses)
        declared = sorted(r["email"] for r in recipients["communes"][insee]["to"])
        text = msg.get_body(preferencelist=("plain",)).get_content()
        html = msg.get_body(preferencelist=("html",)).get_content()
        problems = []
        if to != declared:
            problems.append(f"À : {to}, attendu {declared}")
        if comment_for(insee) not in " ".join(text.split()):
            problems.append("commentaire de l'assistante absent du texte")
        if "&lt;b&gt;en clair&lt;/b&gt;" not in html:
            problems.append("commentaire absent (ou non échappé) de la partie HTML")
        if problems:
            fail(f"{f} (« {subject} ») : " + " ; ".join(problems))
        else:
            ok(f"reçu par SMTP : « {subject} », à {', '.join(to)}, avec le commentaire de l'assistante")
    if seen and seen != set(names):
        fail(f"serveur SMTP : communes reçues {sorted(seen)}, attendues {sorted(names)}")


def relances():
    """The dashboard's first « Relancer » writes one message into the web outbox."""
    outbox = os.path.join(WORK, "envois")
    driver.get(BASE + "/")
    buttons = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Relancer"]
    if not buttons:
        fail("tableau de bord : aucun bouton « Relancer » (la démonstration a des envois en retard)")
        settle("relances")
        return
    click_and_wait(buttons[0])
    text = body()
    written = [f for f in os.listdir(outbox) if f.endswith(".eml")] if os.path.isdir(outbox) else []
    if "écrit dans la boîte d'envoi" not in text or len(written) != 1:
        fail(f"relancer : {len(written)} message(s) dans la boîte d'envoi, 1 attendu ; la page dit : {text[:300]}")
    else:
        ok(f"relancer : « {written[0]} » écrit dans la boîte d'envoi")
    settle("relances")


def partner_space():
    """The partner's own space: an upload with one bad row, the row to correct, a consent answer."""
    log_in(PARTNER, "partenaire")
    if not driver.current_url.endswith("/partenaire"):
        fail(f"partenaire : / mène à {driver.current_url} au lieu de /partenaire")
    settle("partenaire-espace")
    sample = os.path.join("SampleData", "strav", "incidents-transport", "strav_incidents_2026-10.csv")
    header, rows = read_csv(sample, "utf-8-sig")
    rows = [[c.replace("/10/2026", "/11/2026") for c in r] for r in rows]
    rows[1][0] = "31/02/2026"                      # a date that does not exist: one reject, row 3
    path = os.path.join(WORK, "strav_incidents_2026-11.csv")
    write_csv(path, "utf-8", header, rows)
    driver.find_element(By.ID, "fichiers").send_keys(os.path.abspath(path))
    click_and_wait(driver.find_element(By.CSS_SELECTOR, "form.depot-upload button[type=submit]"))
    sections = driver.find_elements(By.CSS_SELECTOR, "section.depot-file")
    counts = report_counts(sections[0]) if sections else {}
    rejected = [tr.text for tr in driver.find_elements(By.CSS_SELECTOR, "section.depot-file table:not(.depot-counts) tbody tr")]
    if counts.get("Lignes lues") != str(len(rows)) or counts.get("Lignes rejetées") != "1" or not rejected or not rejected[0].startswith("3 "):
        fail(f"partenaire : compte rendu {counts}, lignes rejetées {rejected} ; attendu {len(rows)} lues, 1 rejetée (ligne 3)")
    else:
        ok(f"partenaire : dépôt chargé, {len(rows)} lignes lues, la ligne à corriger montrée : {rejected[0]}")
    if driver.find_elements(By.CSS_SELECTOR, "a[href^='/depots'], a[href='/classement']"):
        fail("partenaire : un lien vers les pages de l'observatoire dans le compte rendu")
    settle("partenaire-depot")
    driver.get(BASE + f"/partenaire/demandes/{REQUEST}")
    if REQUEST not in body():
        fail(f"partenaire : la demande {REQUEST} n'est pas lisible")
    else:
        driver.find_element(By.CSS_SELECTOR, "input[name=decision][value=refus]").click()
        driver.find_element(By.ID, "motif").send_keys("Données de sûreté des agents")
        click_and_wait(driver.find_element(By.CSS_SELECTOR, "form.request button[type=submit]"))
        if "Réponse enregistrée" not in body() or "refus — motif : Données de sûreté des agents" not in body():
            fail(f"partenaire : réponse non montrée ; la page dit : {body()[:300]}")
        else:
            ok(f"partenaire : refus de la demande {REQUEST} enregistré, avec son motif")
    settle("partenaire-demande")
    driver.get(BASE + "/depots")
    if "Cette page n'est pas ouverte à votre compte." not in body():
        fail("partenaire : /depots n'est pas refusée")
    else:
        ok("partenaire : les pages de l'observatoire lui sont refusées (/depots)")
    # The refused page answers 403: its console line is expected, not a defect.
    driver.get_log("browser")
    log_out("partenaire")


def elu_space():
    """The elected official: its commune's monthly bulletin, another commune's refused."""
    log_in(ELU, "elu")
    if not driver.current_url.endswith("/elu"):
        fail(f"élu : / mène à {driver.current_url} au lieu de /elu")
    settle("elu-faits-marquants")
    driver.get(BASE + "/elu/bulletins?type=mensuel&commune=94028&periode=2026-10")
    if not driver.find_elements(By.CSS_SELECTOR, ".bulletin-view") or "Créteil" not in body():
        fail("élu : le bulletin mensuel de Créteil n'est pas affiché")
    else:
        ok("élu : bulletin mensuel d'octobre 2026 de Créteil affiché")
    settle("elu-bulletin")
    driver.get(BASE + "/elu/bulletins?type=mensuel&commune=94002&periode=2026-10")
    if driver.find_elements(By.CSS_SELECTOR, ".bulletin-view") or "d'autres communes que les vôtres" not in body():
        fail("élu : le bulletin d'Alfortville n'est pas refusé")
    else:
        ok("élu : le bulletin d'Alfortville lui est refusé")
    driver.get_log("browser")
    shot("elu-refus")


try:
    if PHASE == "parcours":
        log_in(ASSISTANT, "assistant")
        open_pages("assistant")
        depots()
        classement()
        faits_marquants_assistant()
        log_out("assistant")
        log_in(COORDINATOR, "coordinateur")
        faits_marquants_coordinator()
    elif PHASE == "relances":
        log_in(COORDINATOR, "coordinateur")
        relances()
        log_out("coordinateur")
        partner_space()
        elu_space()
    else:
        sys.exit(f"phase inconnue : {PHASE}")
finally:
    driver.quit()

if failures:
    print(f"{len(failures)} défaut(s).")
    sys.exit(1)
print(f"Navigateur ({PHASE}) : {opened} page(s) ou étape(s) sans erreur de console ni requête hors du serveur ; "
      f"{shots} capture(s) dans {OUT}.")
