#!/usr/bin/env python3
"""Checks the messages the SMTP server received for `vigie mail weekly` (see .ci/mail-check).

Expected values come from the configuration and from the bulletins `vigie demo` wrote, never from
the mail code: one message per commune of Config/recipients.yaml; the envelope and the To, Cc and
Reply-To headers as declared; the subject as the README states it; no parser defect; a plain text
and an HTML part; as attachments, byte for byte, the CSV tables the demo wrote for that commune's
weekly, the faits marquants one with as many rows as the HTML has entries; a text part that reads as
a letter (the greeting, signature and « diffusion restreinte » of recipients.yaml, no Markdown
syntax) and an HTML part styled on its elements (no class, no CSS variable, no element unstyled).
Usage: check-mail.py RECEIVED WEEK BULLETINS FIRST SECOND THIRD
"""
import email
import email.policy
import json
import os
import re
import sys

import yaml

received, week, bulletins = sys.argv[1:4]
first, second, third = map(int, sys.argv[4:7])
recipients = yaml.safe_load(open("Config/recipients.yaml", encoding="utf-8"))
territory = yaml.safe_load(open("Config/territory.yaml", encoding="utf-8"))
names = {c["insee"]: c["name"] for c in territory["communes"]}
communes = recipients["communes"]
week_number = int(week.split("W")[1])
failures = []


def fail(text):
    failures.append(text)
    print("✘ " + text)


def boxes(header):
    return [(a.display_name, a.addr_spec) for a in header.addresses] if header else []


if first != len(communes):
    fail(f"premier envoi : {first} messages reçus, {len(communes)} attendus (un par commune)")
if second != first:
    fail(f"second envoi sans --resend : {second - first} messages de plus, 0 attendu")
if third != first + 1:
    fail(f"--resend --commune 94028 : {third - second} message(s) de plus, 1 attendu")

by_subject = {}
for index in range(1, third + 1):
    path = os.path.join(received, str(index))
    raw = open(path + ".eml", "rb").read()
    envelope = json.load(open(path + ".json"))
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    by_subject.setdefault(str(msg["subject"]), []).append((msg, envelope, raw))

for insee, group in communes.items():
    subject = f"Faits marquants — semaine {week_number} — {names[insee]}"
    copies = by_subject.pop(subject, [])
    expected_copies = 2 if insee == "94028" else 1
    if len(copies) != expected_copies:
        fail(f"{subject} : reçu {len(copies)} fois, {expected_copies} attendu(s)")
        continue
    for msg, envelope, raw in copies:
        label = f"« {subject} »"
        defects = list(msg.defects) + [d for part in msg.walk() for d in part.defects]
        if defects:
            fail(f"{label} : défauts MIME {defects}")
        if any(b > 127 for b in raw):
            fail(f"{label} : octets non ASCII dans le message (il doit être en 7 bits)")
        to = [(b["name"], b["email"]) for b in group["to"]]
        cc = [(b["name"], b["email"]) for b in group.get("cc", [])]
        coordinator = (recipients["coordinator"]["name"], recipients["coordinator"]["email"])
        sender = (recipients["from"]["name"], recipients["from"]["email"])
        for header, want in (("from", [sender]), ("to", to), ("cc", cc), ("reply-to", [coordinator])):
            if boxes(msg[header]) != want:
                fail(f"{label} : {header} = {boxes(msg[header])}, attendu {want}")
        if envelope["from"] != sender[1]:
            fail(f"{label} : expéditeur d'enveloppe {envelope['from']}, attendu {sender[1]}")
        if sorted(envelope["to"]) != sorted(e for _, e in to + cc):
            fail(f"{label} : destinataires d'enveloppe {envelope['to']}, attendus {[e for _, e in to + cc]}")
        if "bcc" in msg:
            fail(f"{label} : un en-tête Bcc a été transmis")
        plain = msg.get_body(preferencelist=("plain",))
        html = msg.get_body(preferencelist=("html",))
        if plain is None or html is None:
            fail(f"{label} : il manque la partie texte ou la partie HTML")
            continue
        if names[insee] not in plain.get_content() or names[insee] not in html.get_content():
            fail(f"{label} : le nom de la commune manque dans le corps")
        attachments = {a.get_filename(): a.get_payload(decode=True) for a in msg.iter_attachments()}
        prefix = f"weekly_{week}_{insee}_"
        tables = sorted(n for n in os.listdir(bulletins) if n.startswith(prefix) and n.endswith(".csv"))
        if sorted(attachments) != tables:
            fail(f"{label} : pièces jointes {sorted(attachments)}, attendu les tableaux du bulletin {tables}")
            continue
        for name in tables:
            if attachments[name] != open(os.path.join(bulletins, name), "rb").read():
                fail(f"{label} : la pièce jointe {name} diffère de {bulletins}/{name}")
        facts = attachments[prefix + "faits-marquants.csv"]
        rows = facts.decode("utf-8-sig").replace("\r\n", "\n").rstrip("\n").count("\n")
        entries = html.get_content().count('data-kind="fait"')
        if rows != entries:
            fail(f"{label} : {rows} lignes dans le CSV des faits marquants, {entries} faits dans le HTML")
        letter = recipients["letter"]
        text = plain.get_content()
        lines = [line.strip() for line in text.splitlines()]
        greeting = group.get("greeting", letter["greeting"])
        signature = [line.strip() for line in letter["signature"].splitlines() if line.strip()]
        if greeting not in lines:
            fail(f"{label} : la formule d'appel « {greeting} » manque dans la partie texte")
        if signature != [line for line in lines if line in signature][:len(signature)]:
            fail(f"{label} : la signature {signature} manque dans la partie texte")
        if letter["restriction"] not in lines or "diffusion restreinte" not in text.lower():
            fail(f"{label} : la mention « diffusion restreinte » manque dans la partie texte")
        markdown = [line for line in lines if line.startswith(("#", "- ", "* ", "---")) or "**" in line or "|" in line]
        if markdown:
            fail(f"{label} : syntaxe Markdown dans la partie texte : {markdown[:3]}")
        body = html.get_content().split("<body", 1)[-1]
        if "var(--" in html.get_content() or "class=" in body:
            fail(f"{label} : la partie HTML dépend de <style> (classe ou variable CSS)")
        unstyled = [tag for tag, attributes in re.findall(r"<([a-z][a-z0-9]*)([^>]*)>", body)
                    if tag not in ("br", "thead", "tbody", "tr", "footer") and "style=" not in attributes]
        if unstyled:
            fail(f"{label} : éléments HTML sans style en ligne : {sorted(set(unstyled))}")
        print(f"✔ {label} à {', '.join(e for _, e in to + cc)} : {entries} faits, {len(tables)} tableaux CSV joints, 0 défaut")

for subject in by_subject:
    fail(f"message inattendu : « {subject} »")
if failures:
    print(f"{len(failures)} problème(s).")
    sys.exit(1)
print(f"Courrier vérifié : {third} messages reçus par SMTP ({first} au premier envoi, 0 au second, 1 renvoi).")
