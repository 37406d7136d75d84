"""The naive baseline for `fieldcode excerpts --format csv` (issue 12): one SQL join of coding,
document, code and coder, each excerpt's text cut by SQLite, written row by row with Python's csv.
Usage: python3 scripts/excerpts_baseline.py PROJECT.fieldcode OUT.csv"""
import csv, sqlite3, sys

db = sqlite3.connect(sys.argv[1])
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    out = csv.writer(f)
    out.writerow(["code", "document", "coder", "start", "end", "text"])
    for row in db.execute(
        'SELECT k.name, d.name, r.name, c.start, c."end", substr(d.text, c.start + 1, c."end" - c.start) '
        "FROM coding c JOIN document d ON d.id = c.document_id JOIN code k ON k.id = c.code_id "
        "JOIN coder r ON r.id = c.coder_id ORDER BY k.id, d.name, c.start"
    ):
        out.writerow(row)
