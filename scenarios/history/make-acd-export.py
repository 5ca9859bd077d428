#!/usr/bin/env python3
"""Writes acd-export.csv: the contacts of contacts.csv (what `ccsim run truth.toml --log`
writes) as an ACD exports them — `;`-separated, CRLF, day-first dates from Monday
1 September 2025, whole-second waits as H:MM:SS, handle time split into talk (80 %),
hold (5 %) and wrap, every 17th contact answered as "Transferred", queue names as the
ACD spells them. Run from the repository root:

    python3 scenarios/history/make-acd-export.py
"""
import csv
import datetime

BASE = datetime.datetime(2025, 9, 1)
QUEUE = {"phone": "Phone", "chat": "Web chat"}


def hms(s):
    s = int(round(float(s)))
    return f"{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}"


out = ["Queue;Start;QueueTime;Result;TalkTime;HoldTime;WrapTime;Agent group"]
with open("scenarios/history/contacts.csv", newline="") as f:
    for i, r in enumerate(csv.DictReader(f)):
        start = (BASE + datetime.timedelta(seconds=int(float(r["arrival_s"]) // 1))).strftime("%d/%m/%Y %H:%M:%S")
        if r["outcome"] == "answered":
            h = float(r["handle_s"])
            total, talk, hold = int(round(h)), int(round(0.8 * h)), int(round(0.05 * h))
            result = "Transferred" if i % 17 == 0 else "Handled"
            out.append(f"{QUEUE[r['channel']]};{start};{hms(r['wait_s'])};{result};{talk};{hold};{total - talk - hold};{r['group']}")
        else:
            out.append(f"{QUEUE[r['channel']]};{start};{hms(r['wait_s'])};Abandoned;;;;")
with open("scenarios/history/acd-export.csv", "w", newline="") as f:
    f.write("\r\n".join(out) + "\r\n")
