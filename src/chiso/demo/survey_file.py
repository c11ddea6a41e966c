"""SYNTHETIC SIPAS responses for the demo — invented, for trying chiso only, never real data.

Dữ liệu khảo sát SIPAS GIẢ LẬP cho bản demo: không phải số liệu thật, chỉ để thử chiso.

Writes a KoboToolbox-style export ("XML values and headers", `;`-separated, group paths such as
``q9/q9_27``, Kobo's ``_id``/``_uuid``/``_submission_time``… columns) of the shipped SIPAS form
(``data/surveys/sipas-1001.xlsx``) answered by people who dealt with Quảng Ninh's departments —
the units of the demo's 2025 departments cycle, identified by their demo codes ("22.STP" …) in
the form's unit column. The first column, ``du_lieu_gia_lap_synthetic``, says on every row that
the data is synthetic.

The sampling design it pretends to follow: every department is a stratum; its PSUs are survey days
at its one-stop desk (4–6 per department); citizens and organisations are sampled separately, and
each respondent's weight is the department's yearly number of dossiers of that respondent type
divided by the number sampled. Answers come from an ordinal model: a department level, factor
offsets (administrative procedures and participation in policy-making lower, civil servants
higher), a day effect, a respondent effect and noise. Everything is drawn from a `random.Random`
seeded with the year, so the file is reproducible byte for byte.

`responses(year, bad_rows=True)` adds three deliberately bad rows for the import report:
an unknown unit written as a near-miss name ("Sở Khoa học Công nghệ"), an answer out of scale
(6 on the 1–5 scale), and a duplicate submission (a row sent twice with the same ``_uuid``).

Regenerate the shipped file with::

    python -m chiso.demo.survey_file [OUT.csv]

(default OUT: the package's ``data/demo/sipas-2025-kobo-demo.csv``). The demo's already-imported
2024 survey uses ``responses(2024, bad_rows=False)``.
"""

from __future__ import annotations

import csv
import io
import random
import sys
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

SAMPLE_FILE = ("demo", "sipas-2025-kobo-demo.csv")
NOTE_COLUMN = "du_lieu_gia_lap_synthetic"
NOTE = "DỮ LIỆU GIẢ LẬP, chỉ dùng cho bản demo / SYNTHETIC data, demo only"
NEAR_MISS_UNIT = "Sở Khoa học Công nghệ"  # the real name has "và"
OUT_OF_SCALE = ("q9_27", "6")

# demo code → (dossiers per year, share from organisations, satisfaction level on the latent scale)
# The figures are invented; the codes are those of `chiso.demo.people.DEPARTMENTS`.
PROFILES: dict[str, tuple[int, float, float]] = {
    "22.VP": (3200, 0.45, 0.95),
    "22.SNV": (2100, 0.35, 1.05),
    "22.STP": (18500, 0.15, 0.85),
    "22.STC": (6400, 0.60, 0.55),
    "22.SCT": (7200, 0.70, 0.70),
    "22.SNNMT": (24800, 0.30, 0.35),
    "22.SXD": (9600, 0.45, 0.45),
    "22.SKHCN": (2600, 0.55, 0.90),
    "22.SGDDT": (8100, 0.20, 0.80),
    "22.SYT": (11300, 0.35, 0.65),
    "22.SVHTTDL": (3900, 0.50, 0.75),
    "22.SDTTG": (900, 0.25, 1.00),
    "22.SNGV": (1200, 0.40, 1.10),
    "22.TTR": (1500, 0.20, 0.60),
}
FACTOR_OFFSETS = {"P_A": 0.0, "P_B": -0.35, "P_C": -0.1, "P_D": 0.05, "F1": 0.15, "F2": -0.25}
FACTOR_OFFSETS |= {"F3": 0.3, "F4": 0.1, "F5": -0.15}
THRESHOLDS = (-1.3, -0.5, 0.25, 1.35)  # latent → 1 … 5
COMMENTS = [
    "Mong cán bộ hướng dẫn rõ hơn về hồ sơ cần nộp ngay từ lần đầu.",
    "Nên tăng số quầy tiếp nhận vào buổi sáng.",
    "Đề nghị trả kết quả qua bưu điện cho người ở xa.",
    "Dịch vụ công trực tuyến đôi khi bị lỗi khi tải tệp lên.",
    "Cán bộ nhiệt tình, chu đáo.",
    "Cần rút ngắn thời gian giải quyết hồ sơ.",
]


def _form():
    from chiso.data import data_path
    from chiso.surveys.sipas import SHIPPED
    from chiso.surveys.xlsform import read_xlsform

    return read_xlsform(data_path(*SHIPPED))


def _likert(latent: float) -> str:
    return str(1 + sum(latent > t for t in THRESHOLDS))


def responses(year: int, bad_rows: bool = True) -> list[dict[str, str]]:
    """The synthetic rows of one year's survey, in Kobo export order (header = the dict keys)."""
    rng = random.Random(f"chiso-demo-sipas-{year}")
    form = _form()
    questions = [q for q in form.questions if q.role is None]
    shift = 0.0 if year >= 2025 else -0.2  # the year before was a little worse
    drafts: list[dict] = []
    start = date(year, 9, 8)
    for code, (dossiers, org_share, level) in PROFILES.items():
        level += shift + rng.uniform(-0.1, 0.1)
        days = [start + timedelta(days=rng.randint(0, 40)) for _ in range(rng.randint(4, 6))]
        day_effect = [rng.gauss(0, 0.15) for _ in days]
        for _ in range(round(12 + dossiers**0.5 / 6 + rng.randint(0, 6))):
            d = rng.randrange(len(days))
            rtype = "organisation" if rng.random() < org_share else "citizen"
            person = rng.gauss(0, 0.5) + (0.1 if rtype == "organisation" else 0.0)
            answers: dict[str, str] = {}
            for q in questions:
                if q.factor:
                    latent = level + FACTOR_OFFSETS[q.factor] + day_effect[d] + person + rng.gauss(0, 0.6)
                    answers[q.name] = _likert(latent)
                elif q.is_select_one:
                    answers[q.name] = "" if rng.random() < 0.05 else rng.choice(q.choices).name
                elif q.is_select_multiple:
                    picked = sorted(rng.sample([c.name for c in q.choices], rng.randint(1, 3)), key=int)
                    answers[q.name] = " ".join(picked)
                else:
                    answers[q.name] = rng.choice(COMMENTS) if rng.random() < 0.08 else ""
            moment = datetime.combine(days[d], datetime.min.time()) + timedelta(
                hours=rng.randint(7, 16), minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
            )
            drafts.append(
                {
                    "unit": code,
                    "type": rtype,
                    "day": d,
                    "moment": moment,
                    "answers": answers,
                    "dossiers": dossiers,
                }
            )
    rng.shuffle(drafts)
    drafts.sort(key=lambda draft: draft["moment"])
    sampled: dict[tuple[str, str], int] = {}
    for draft in drafts:
        sampled[draft["unit"], draft["type"]] = sampled.get((draft["unit"], draft["type"]), 0) + 1
    rows = []
    for draft in drafts:
        code, rtype = draft["unit"], draft["type"]
        share = PROFILES[code][1] if rtype == "organisation" else 1 - PROFILES[code][1]
        weight = draft["dossiers"] * share / sampled[code, rtype]
        moment = draft["moment"]
        ended = moment + timedelta(minutes=rng.randint(6, 18), seconds=rng.randint(0, 59))
        sent = ended + timedelta(minutes=rng.randint(1, 240))
        row = {
            NOTE_COLUMN: NOTE,
            "start": moment.isoformat(timespec="milliseconds") + "+07:00",
            "end": ended.isoformat(timespec="milliseconds") + "+07:00",
            "today": moment.date().isoformat(),
        }
        for q in form.questions:
            if q.role == "unit":
                row[q.header] = code
            elif q.role == "respondent_type":
                row[q.header] = rtype
            elif q.role == "weight":
                row[q.header] = f"{weight:.2f}"
            elif q.role == "stratum":
                row[q.header] = code
            elif q.role == "psu":
                row[q.header] = f"{code}-N{draft['day'] + 1:02d}"
            else:
                row[q.header] = draft["answers"][q.name]
        row |= {
            "_id": "",
            "_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            "_submission_time": sent.isoformat(timespec="seconds"),
            "_validation_status": "",
            "_notes": "",
            "_status": "submitted_via_web",
            "_submitted_by": f"dtv{rng.randint(1, 12):02d}_qn",
            "__version__": "vRz7demoSipas" + str(year),
            "_tags": "",
            "_index": "",
        }
        rows.append(row)
    if bad_rows:
        unit_header = form.role("unit").header
        typo = next(i for i, row in enumerate(rows) if i >= 50 and row[unit_header] == "22.SKHCN")
        rows[typo][unit_header] = NEAR_MISS_UNIT
        rows[189][form.question(OUT_OF_SCALE[0]).header] = OUT_OF_SCALE[1]
        resent = dict(rows[120])  # the same submission sent again: same _uuid, new _id
        resent["_submission_time"] = rows[299]["_submission_time"]
        rows.insert(300, resent)
    for number, row in enumerate(rows, start=1):
        row["_id"] = str(41_000_000 + (year % 100) * 10_000 + number)
        row["_index"] = str(number)
    return rows


def to_csv(rows: list[dict[str, str]]) -> bytes:
    """Kobo's default CSV: `;`-separated, UTF-8, every field quoted."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    from chiso.data import data_path

    out = Path(args[0]) if args else data_path(*SAMPLE_FILE)
    out.write_bytes(to_csv(responses(2025)))
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
