#!/usr/bin/env python3
"""Checks the messages the SMTP server received for a data request (see .ci/request-mail-check).

Expected values come from the configuration (partners.yaml, recipients.yaml, territory.yaml), the
package on disk and its manifest's answers, never from the mail code: one consent request per
owner; the package to the requester (the mairie: its commune's `to`) with every file of the package
attached byte for byte; a copy to each consenting owner with its own files and the manifest; to the
refusing owner a notice with nothing attached; every envelope as its headers say. The audit log
(`vigie audit --format csv`) says « envoyé à … » for each message that arrived, and for nothing
else; the request whose transport failed has « échec de l'envoi » and no « envoyé ».
Usage: check-request-mail.py RECEIVED ID PACKAGE AUDIT_CSV ASKED FAILED_ID BEFORE AFTER
"""
import csv
import email
import email.policy
import io
import json
import os
import sys
from collections import Counter

import yaml

received, rid, package, audit_csv = sys.argv[1:5]
asked = int(sys.argv[5])
failed_id = sys.argv[6]
before, after = int(sys.argv[7]), int(sys.argv[8])
partners = {p["id"]: p for p in yaml.safe_load(open("Config/partners.yaml", encoding="utf-8"))["partners"]}
recipients = yaml.safe_load(open("Config/recipients.yaml", encoding="utf-8"))
territory = yaml.safe_load(open("Config/territory.yaml", encoding="utf-8"))
failures = []


def fail(text):
    failures.append(text)
    print("✘ " + text)


def ok(text):
    print("✔ " + text)


def addresses(message, *headers):
    return sorted(a.addr_spec for h in headers for a in (message[h].addresses if message[h] else []))


# What arrived, in order.
messages = []
for n in range(1, after + 1):
    path = os.path.join(received, f"{n}.eml")
    raw = open(path, "rb").read()
    message = email.message_from_bytes(raw, policy=email.policy.default)
    envelope = json.load(open(os.path.join(received, f"{n}.json")))
    if message.defects:
        fail(f"{n}.eml : défauts MIME {message.defects}")
    if sorted(envelope["to"]) != addresses(message, "To", "Cc"):
        fail(f"{n}.eml : enveloppe {envelope['to']} ≠ en-têtes {addresses(message, 'To', 'Cc')}")
    if addresses(message, "From") != [recipients["from"]["email"]] or addresses(message, "Reply-To") != [recipients["coordinator"]["email"]]:
        fail(f"{n}.eml : From ou Reply-To inattendu")
    attachments = {a.get_filename(): a.get_payload(decode=True) for a in message.iter_attachments()}
    messages.append({"n": n, "to": addresses(message, "To", "Cc"), "subject": str(message["Subject"]),
                     "text": message.get_body(("plain",)).get_content(), "attachments": attachments})

manifest = json.load(open(os.path.join(package, "manifeste.json"), encoding="utf-8"))
owners = []
for f in manifest["demande"]["flux"]:
    owner = f.split("/")[0]
    if owner not in owners:
        owners.append(owner)
decisions = {r["proprietaire"]: r for r in manifest["reponses"]}
email_of = {o: partners[o]["contact"]["email"] for o in owners}
creteil = next(c["insee"] for c in territory["communes"] if c["name"] == "Créteil")
mayor = sorted(b["email"] for b in recipients["communes"][creteil]["to"])
files = sorted(f for f in os.listdir(package) if os.path.isfile(os.path.join(package, f)))


def on_disk(name):
    return open(os.path.join(package, name), "rb").read()


# 1. The consent requests: one per owner, naming the request and saying how to answer.
consent = messages[:asked]
if sorted(m["to"][0] for m in consent) != sorted(email_of.values()) or any(len(m["to"]) != 1 for m in consent):
    fail(f"demandes d'accord à {[m['to'] for m in consent]}, attendu {sorted(email_of.values())}")
for m in consent:
    owner = next((o for o, e in email_of.items() if [e] == m["to"]), None)
    if rid not in m["subject"] or m["attachments"] or f"vigie request consent {rid} --owner {owner}" not in m["text"] \
            or "Zone : Créteil" not in m["text"] or "Demandeur : Mairie de Créteil" not in m["text"]:
        fail(f"demande d'accord à {m['to']} : objet, pièces jointes ou texte inattendus")
ok(f"{len(consent)} demande(s) d'accord, une par propriétaire : {', '.join(sorted(email_of.values()))}")

# 2. The package, the copies, the refusal notice.
fulfil = messages[asked:before]
expected = 1 + len(owners)
if len(fulfil) != expected:
    fail(f"{len(fulfil)} message(s) après fulfil, attendu {expected}")
package_mail = [m for m in fulfil if m["to"] == mayor]
if len(package_mail) != 1:
    fail(f"paquet au demandeur ({mayor}) : {len(package_mail)} message(s)")
else:
    m = package_mail[0]
    if sorted(m["attachments"]) != files:
        fail(f"pièces jointes du paquet {sorted(m['attachments'])} ≠ fichiers du paquet {files}")
    for name, data in m["attachments"].items():
        if name in files and data != on_disk(name):
            fail(f"pièce jointe {name} ≠ le fichier écrit")
    ok(f"paquet à {', '.join(mayor)} : {len(m['attachments'])} pièce(s) jointe(s), identiques octet pour octet aux fichiers du paquet")
for owner in owners:
    mine = [m for m in fulfil if m["to"] == [email_of[owner]]]
    if len(mine) != 1:
        fail(f"{owner} : {len(mine)} message(s) après fulfil, attendu 1")
        continue
    m = mine[0]
    if decisions[owner]["decision"] == "granted":
        own = sorted([f for f in files if f.startswith(owner + "_")] + ["manifeste.json"])
        if sorted(m["attachments"]) != own or any(data != on_disk(name) for name, data in m["attachments"].items()):
            fail(f"copie à {owner} : {sorted(m['attachments'])}, attendu {own} identiques aux fichiers")
        ok(f"copie à {owner} ({email_of[owner]}) : {', '.join(own)}")
    else:
        reason = decisions[owner]["motif"]
        if m["attachments"] or "transmises" in m["subject"] or reason not in m["text"]:
            fail(f"avis de refus à {owner} : pièces jointes {sorted(m['attachments'])}, objet « {m['subject']} »")
        ok(f"avis de refus à {owner} ({email_of[owner]}) : aucune pièce jointe, motif « {reason} »")

# 3. The failed transport: nothing arrived.
if after != before:
    fail(f"la demande {failed_id} au transport en échec a fait arriver {after - before} message(s)")

# 4. The audit log: « envoyé à … » exactly for what arrived.
rows = list(csv.reader(io.StringIO(open(audit_csv, encoding="utf-8-sig").read()), delimiter=";"))
header, rows = rows[0], rows[1:]
if header != ["n°", "date", "demande", "événement", "acteur", "détail"]:
    fail(f"en-têtes du journal : {header}")
kinds = {"demande d'accord", "envoi du paquet", "copie au propriétaire", "avis de refus"}
logged = [r for r in rows if r[2] == rid and r[3] in kinds]
said_sent = []
for r in logged:
    detail = r[5]
    if " : envoyé à " not in detail or "boîte d'envoi" in detail or "échec" in detail:
        fail(f"journal : « {detail} » ne dit pas « envoyé à »")
        continue
    said_sent.append(tuple(sorted(detail.rsplit(" : envoyé à ", 1)[1].split(", "))))
arrived = [tuple(m["to"]) for m in messages[:before]]
if Counter(said_sent) != Counter(arrived):
    fail(f"journal : envoyé à {sorted(said_sent)} ; arrivés : {sorted(arrived)}")
else:
    ok(f"journal : {len(said_sent)} ligne(s) « envoyé à », une par message arrivé, mêmes destinataires")
failed_rows = [r for r in rows if r[2] == failed_id and r[3] in kinds]
if not failed_rows or any("envoyé" in r[5] for r in failed_rows) or not any("échec de l'envoi" in r[5] for r in failed_rows):
    fail(f"journal de {failed_id} : {[r[5] for r in failed_rows]}")
else:
    ok(f"{failed_id} (transport en échec) : rien n'est arrivé, le journal dit « {failed_rows[0][5][:120]}… »")

if failures:
    print(f"\n{len(failures)} échec(s).")
    sys.exit(1)
print("\nTout ce que le journal dit envoyé est arrivé, et seulement cela.")
