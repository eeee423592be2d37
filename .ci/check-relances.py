#!/usr/bin/env python3
"""Checks the reminders the SMTP server received for `vigie relances --send` (see .ci/mail-check).

Expected values come from `vigie status --json` (the late feeds of the completeness register and
the refused files of the ledger) and from Config/partners.yaml (each partner's contact email), never
from the reminder code: one message per late partner with an email, naming each late feed and
period; one per refused file no later loaded file of its feed replaced, naming the file; each
addressed to the partner's contact only; Reply-To the coordinator; no MIME defect; nothing more on
a second run.
Usage: check-relances.py RECEIVED STATUS_JSON BEFORE AFTER AGAIN (message counts before, after, after the second run)
"""
import email
import email.policy
import json
import os
import sys

import yaml

received, status_path = sys.argv[1:3]
before, after, again = map(int, sys.argv[3:6])
status = json.load(open(status_path, encoding="utf-8"))
status = status.get("ledger", status)  # vigie status --json: the morning summary (todo) and the ledger
partners = {p["id"]: p for p in yaml.safe_load(open("Config/partners.yaml", encoding="utf-8"))["partners"]}
recipients = yaml.safe_load(open("Config/recipients.yaml", encoding="utf-8"))
failures = []


def fail(text):
    failures.append(text)
    print("✘ " + text)


def email_of(partner):
    return (partners[partner].get("contact") or {}).get("email")


# Expected: late partners (with an email), with their late feeds and periods.
late = {}
for feed in status["completeness"]["feeds"]:
    if feed["late"] and email_of(feed["partner"]):
        late.setdefault(feed["partner"], []).append((feed["feed"], [l["period"] for l in feed["late"]]))
# Refused files: the newest submissions of a feed, while refused.
refused = []
for feed in status["feeds"]:
    for s in sorted(feed["submissions"], key=lambda s: -s["id"]):
        if s["status"] != "refused":
            break
        if email_of(feed["partner"]):
            refused.append((feed["partner"], s["file"]))

expected = len(late) + len(refused)
if after - before != expected:
    fail(f"relances : {after - before} message(s) reçu(s), {expected} attendu(s) ({len(late)} partenaire(s) en retard, {len(refused)} fichier(s) refusé(s))")
if again != after:
    fail(f"seconde exécution dans l'intervalle : {again - after} message(s) de plus, 0 attendu")

seen_late, seen_refused = set(), []
coordinator = recipients["coordinator"]["email"]
for index in range(before + 1, again + 1):
    path = os.path.join(received, str(index))
    raw = open(path + ".eml", "rb").read()
    envelope = json.load(open(path + ".json"))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    subject = str(msg["subject"])
    defects = list(msg.defects) + [d for part in msg.walk() for d in part.defects]
    if defects:
        fail(f"« {subject} » : défauts MIME {defects}")
    to = [a.addr_spec for a in msg["to"].addresses]
    reply = [a.addr_spec for a in msg["reply-to"].addresses] if msg["reply-to"] else []
    if reply != [coordinator]:
        fail(f"« {subject} » : Reply-To {reply}, attendu {coordinator}")
    if sorted(envelope["to"]) != sorted(to):
        fail(f"« {subject} » : destinataires d'enveloppe {envelope['to']}, en-tête To {to}")
    text = msg.get_body(preferencelist=("plain",)).get_content()
    matched = False
    for partner, feeds in late.items():
        if to == [email_of(partner)] and subject.startswith("Relance"):
            matched = True
            seen_late.add(partner)
            for feed, periods in feeds:
                if f"« {feed} »" not in text or any(f"({p}), attendu le" not in text for p in periods):
                    fail(f"« {subject} » : le flux {feed} ou ses périodes {periods} manquent")
            print(f"✔ relance à {to[0]} ({partner}) : " + " ; ".join(f"{f} {', '.join(p)}" for f, p in feeds))
    for partner, file in refused:
        if to == [email_of(partner)] and subject.startswith("Fichier refusé") and f"« {file} »" in text:
            matched = True
            seen_refused.append((partner, file))
            print(f"✔ fichier refusé « {file} » signalé à {to[0]} ({partner})")
    if not matched:
        fail(f"message inattendu : « {subject} » à {to}")

for partner in set(late) - seen_late:
    fail(f"aucune relance reçue par {partner} ({email_of(partner)}), en retard selon vigie status")
for item in set(refused) - set(seen_refused):
    fail(f"aucun message pour le fichier refusé {item}")
if failures:
    print(f"{len(failures)} problème(s).")
    sys.exit(1)
print(f"Relances vérifiées : {after - before} message(s) reçu(s) par SMTP, aux contacts de partners.yaml ; 0 à la seconde exécution.")
