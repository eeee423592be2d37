#!/usr/bin/env python3
"""The browser check of .ci/browser-check: logs in through the form, opens each page of the web
application in headless Chromium, and fails on a console error, on a request to anything but the
server, or on a page that is not the one asked. Screenshots go to OUTDIR/<page>.png.
The dashboard's first « Relancer » button must write its reminder into OUTBOX (the server's web outbox).
Usage: browser_check.py BASE_URL LOGIN PASSWORD OUTDIR OUTBOX
"""
import json
import os
import sys
from urllib.parse import urlparse

from selenium import webdriver
from selenium.webdriver.common.by import By

BASE, LOGIN, PASSWORD, OUT, OUTBOX = sys.argv[1:6]
# The pages of the application, with a text each must show once logged in.
PAGES = [
    ("tableau-de-bord", "/", "À faire"),
    ("depots", "/depots", "Dépôts"),
    ("classement", "/classement", "Classement"),
    ("faits-marquants", "/faits-marquants?semaine=2026-W47", "Faits marquants"),
    ("bulletins", "/bulletins", "Bulletins"),
    ("carte", "/carte", "Carte"),
    ("recherche", "/recherche", "Recherche"),
    ("demandes", "/demandes", "Demandes"),
]

options = webdriver.ChromeOptions()
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000"]:
    options.add_argument(flag)
options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
driver = webdriver.Chrome(options=options)
failures = []
server = urlparse(BASE).netloc


def fail(text):
    failures.append(text)
    print("✘ " + text)


def check_logs(page):
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


try:
    driver.get(BASE + "/")
    if "/connexion" not in driver.current_url:
        fail(f"sans session, / mène à {driver.current_url} au lieu de /connexion")
    driver.save_screenshot(f"{OUT}/connexion.png")
    check_logs("connexion")
    driver.find_element(By.NAME, "login").send_keys(LOGIN)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit], form input[type=submit]").click()
    for name, path, expected in PAGES:
        driver.get(BASE + path)
        body = driver.find_element(By.TAG_NAME, "body").text
        if "/connexion" in driver.current_url:
            fail(f"{name} : renvoyé à la connexion après s'être connecté")
        elif expected not in body:
            fail(f"{name} : « {expected} » absent de la page")
        else:
            print(f"✔ {name} ({path})")
        driver.save_screenshot(f"{OUT}/{name}.png")
        check_logs(name)
    # The coordinator's week: a comment typed in the first commune's form appears in its message,
    # then « Approuver » shows the approval.
    driver.get(BASE + "/faits-marquants?semaine=2026-W47")
    comment = "Contrôle navigateur : commentaire <b>en clair</b>"
    area = driver.find_elements(By.CSS_SELECTOR, "form.fm-add textarea")
    if not area:
        fail("faits marquants : aucun formulaire de commentaire")
    else:
        area[0].send_keys(comment)
        area[0].find_element(By.XPATH, "./ancestor::form").find_element(By.TAG_NAME, "button").click()
        driver.get(BASE + "/faits-marquants?semaine=2026-W47")
        if driver.find_element(By.TAG_NAME, "body").text.count(comment) < 1:
            fail("faits marquants : le commentaire ajouté n'apparaît pas (en texte, balises comprises)")
        else:
            print("✔ faits marquants : commentaire ajouté, affiché en texte")
        approve = [b for b in driver.find_elements(By.CSS_SELECTOR, "form.fm-action button") if b.text.startswith("Approuver")]
        if not approve:
            fail("faits marquants : aucun bouton « Approuver » pour le coordinateur")
        else:
            approve[0].click()
            driver.get(BASE + "/faits-marquants?semaine=2026-W47")
            if "approuvé le" not in driver.find_element(By.TAG_NAME, "body").text:
                fail("faits marquants : « approuvé le … » absent après l'approbation")
            else:
                print("✔ faits marquants : message approuvé")
        driver.save_screenshot(f"{OUT}/faits-marquants-approuve.png")
        check_logs("faits marquants (commentaire, approbation)")
    # A form through the browser: the first « Relancer » of the dashboard writes one message.
    driver.get(BASE + "/")
    buttons = [b for b in driver.find_elements(By.TAG_NAME, "button") if b.text == "Relancer"]
    if not buttons:
        fail("tableau de bord : aucun bouton « Relancer » (la démonstration a des envois en retard)")
    else:
        buttons[0].click()
        body = driver.find_element(By.TAG_NAME, "body").text
        written = [f for f in os.listdir(OUTBOX) if f.endswith(".eml")] if os.path.isdir(OUTBOX) else []
        if "écrit dans la boîte d'envoi" not in body or len(written) != 1:
            fail(f"relancer : {len(written)} message(s) dans la boîte d'envoi, 1 attendu ; la page dit : {body[:300]}")
        else:
            print(f"✔ relancer : « {written[0]} » écrit dans la boîte d'envoi")
        driver.save_screenshot(f"{OUT}/relances.png")
        check_logs("relances")
finally:
    driver.quit()

if failures:
    print(f"{len(failures)} défaut(s).")
    sys.exit(1)
print(f"Navigateur : {len(PAGES) + 1} page(s) ouvertes sans erreur de console ni requête hors du serveur ; captures dans {OUT}.")
