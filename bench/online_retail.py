#!/usr/bin/env python3
"""Sends the UCI Online Retail data set (a gzipped CSV, not in the repository) through
POST /v1/events in batches of 1,000, as its README says loyaltyd reads it: rows without a
CustomerID, cancelled invoices (InvoiceNo "C…") and rows with Quantity or UnitPrice <= 0
are skipped; each remaining invoice is one order event: id "inv-<InvoiceNo>", customer_id
the CustomerID without ".0", occurred_at the invoice's earliest InvoiceDate as UTC, amount
the sum of Quantity × UnitPrice over its rows rounded to 2 decimals, currency GBP,
order_id the InvoiceNo.

Usage: online_retail.py CSV_GZ URL KEY   (prints one line of figures)"""
import csv
import gzip
import json
import sys
import time
import urllib.request
from decimal import Decimal, ROUND_HALF_UP


def invoices(path):
    orders = {}
    rows = kept = 0
    with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            rows += 1
            cid = r["CustomerID"].strip()
            if not cid or r["InvoiceNo"].startswith("C"):
                continue
            qty, price = int(r["Quantity"]), Decimal(r["UnitPrice"])
            if qty <= 0 or price <= 0:
                continue
            kept += 1
            at = r["InvoiceDate"].replace(" ", "T") + "Z"
            o = orders.setdefault(r["InvoiceNo"], {"customer": cid.removesuffix(".0"),
                                                    "at": at, "amount": Decimal(0)})
            o["at"] = min(o["at"], at)
            o["amount"] += qty * price
    return rows, kept, orders


def main():
    path, url, key = sys.argv[1:4]
    rows, kept, orders = invoices(path)
    events = [{"id": "inv-" + no, "customer_id": o["customer"], "type": "order",
               "occurred_at": o["at"],
               "amount": str(o["amount"].quantize(Decimal("0.01"), ROUND_HALF_UP)),
               "currency": "GBP", "order_id": no}
              for no, o in sorted(orders.items(), key=lambda kv: (kv[1]["at"], kv[0]))]
    start = time.monotonic()
    accepted = 0
    for i in range(0, len(events), 1000):
        body = json.dumps({"events": events[i:i + 1000]}).encode()
        req = urllib.request.Request(url + "/v1/events", data=body, method="POST", headers={
            "Authorization": "Bearer " + key, "Content-Type": "application/json"})
        with urllib.request.urlopen(req) as resp:
            accepted += json.load(resp)["accepted"]
    took = time.monotonic() - start
    customers = len({e["customer_id"] for e in events})
    print(f"rows {rows}, rows kept {kept}, invoices {len(events)}, customers {customers}, "
          f"accepted {accepted}, load {took:.2f} s ({len(events) / took:.0f} events/s)")


if __name__ == "__main__":
    main()
