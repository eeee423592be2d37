"""Writes the workbooks of PartnerFileTrapsTests with the tools partners' systems use (openpyxl,
XlsxWriter), so that the reader is tested on what those tools really write, not on our own writer.

    python3 -m venv /tmp/fx && /tmp/fx/bin/pip install openpyxl==3.1.5 XlsxWriter==3.3.1
    /tmp/fx/bin/python Tests/VigieCLITests/Traps/make_traps.py

The numbers follow the rules below; the tests recompute them from the same rules.
"""
import datetime
import os

import openpyxl
import xlsxwriter
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
COMMUNES = ["Alfortville", "Créteil", "Limeil-Brévannes"]
UNUSED = {96, 97, 99, 100}


def value(index, column):
    """The état 4001 value of the visible sheet: index × 3 + column, modulo 11 (0 on unused index)."""
    return 0 if index in UNUSED else (index * 3 + column) % 11


def state_rows(offset):
    rows = [["État 4001 — octobre 2026"], [], ["Index", "Libellé"] + COMMUNES]
    for index in range(1, 108):
        rows.append([index, f"libellé {index}"] + [0 if index in UNUSED else value(index, c) + offset for c in range(3)])
    return rows


def hidden_sheets():
    """A visible sheet, a hidden draft (+100 on every used value) and a very hidden copy (+1000)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Octobre 2026"
    for row in state_rows(0):
        ws.append(row)
    for title, offset, state in [("Brouillon", 100, "hidden"), ("Copie", 1000, "veryHidden")]:
        sheet = wb.create_sheet(title)
        for row in state_rows(offset):
            sheet.append(row)
        sheet.sheet_state = state
    wb.save(os.path.join(HERE, "etat4001-masquees_2026-10.xlsx"))


def date1904():
    """RATP incidents in a Mac workbook (1904 date system), dated on the days below."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["Date", "Heure", "Ligne", "Arrêt / station", "Commune", "Nature de l'atteinte", "Cible", "Suite donnée"])
    for day in [3, 11, 17, 24, 30]:
        ws.append([datetime.datetime(2026, 10, day), "10:00", "103", "Mairie d'Alfortville", "Alfortville",
                   "Agression de voyageur", "personne", "plainte"])
        ws.cell(row=ws.max_row, column=1).number_format = "DD/MM/YYYY"
    wb.save(os.path.join(HERE, "ratp-mac-1904_2026-10.xlsx"))


def formula_xlsxwriter():
    """An état 4001 where Créteil's index 7 (row 10, column D) is the formula =3+4, never computed:
    XlsxWriter stores 0 as its value and asks for a recalculation on opening."""
    wb = xlsxwriter.Workbook(os.path.join(HERE, "etat4001-formule_2026-10.xlsx"))
    ws = wb.add_worksheet("Octobre 2026")
    for r, row in enumerate(state_rows(0)):
        for c, cell in enumerate(row):
            if r == 9 and c == 3:
                ws.write_formula(r, c, "=3+4")
            else:
                ws.write(r, c, cell)
    wb.close()


def refined_rows():
    return [["Mois", "Commune", "Thème", "Nombre"],
            ["2026-10", "Alfortville", "Différends conjugaux et familiaux", 21],
            ["2026-10", "Créteil", "Différends conjugaux et familiaux", 34],
            ["2026-10", "Limeil-Brévannes", "Différends conjugaux et familiaux", 8],
            ["2026-10", "Créteil", "Violences routières", 5]]


def formula_openpyxl():
    """Refined statistics where Créteil's violences routières (row 5, column D) is the formula =2+3."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in refined_rows():
        ws.append(row)
    ws["D5"] = "=2+3"
    wb.save(os.path.join(HERE, "stats-formule_2026-10.xlsx"))


def percent():
    """Refined statistics where Limeil-Brévannes' count (row 4, column D) is 1 shown as « 100 % »."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in refined_rows():
        ws.append(row)
    ws["D4"] = 1
    ws["D4"].number_format = "0%"
    wb.save(os.path.join(HERE, "stats-pourcentage_2026-10.xlsx"))


if __name__ == "__main__":
    hidden_sheets()
    date1904()
    formula_xlsxwriter()
    formula_openpyxl()
    percent()
