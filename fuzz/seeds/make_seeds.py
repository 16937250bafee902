#!/usr/bin/env python3
"""Writes the seeds added for the generated API (null lists, integral
floats, empty deletes, compressed and chunked framing, the operations added
to client_response). Each file is named by the first 16 hex digits of the
SHA-1 of its bytes, like the older seeds; running this again rewrites the
same files. Run from anywhere: python3 fuzz/seeds/make_seeds.py"""

import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))

APP = {
    "id": "ea95132c15732412d22c1476fa83f27a",
    "created_on": "2014-01-01T05:20:00.12345Z",
    "modified_on": "2014-01-02T05:20:00Z",
    "dns": {"name": "ssh.example.com", "type": "CNAME"},
    "protocol": "tcp/22",
    "traffic_type": "direct",
    "tls": "off",
    "origin_dns": {"name": "origin.example.com", "ttl": 600, "type": ""},
    "origin_port": 22,
}
REPORT = {
    "data": [{"dimensions": ["appID"], "metrics": [1.0, 2.5]}],
    "data_lag": 0,
    "max": {"count": 3},
    "min": {"count": 1},
    "query": {"metrics": ["count"], "since": "2024-01-01T00:00:00Z"},
    "rows": 1,
    "totals": {"count": 4.5},
}
MAGIC = {"account_app_id": "ac60d3d0435248289d446cedd870bcf4", "name": "Dash", "type": "Development"}
CURRENT = [{"appID": "ea95132c15732412d22c1476fa83f27a", "bytesEgress": 10, "bytesIngress": 20.5,
            "connections": 3, "durationAvg": 1.25}]
FAILURE = {"success": False, "errors": [{"code": 10000, "message": "Authentication error"}], "messages": None,
           "result": None}


def ok(result, **extra):
    body = {"success": True, "errors": [], "messages": [], "result": result}
    body.update(extra)
    return json.dumps(body, separators=(",", ":")).encode()


def text(value):
    return json.dumps(value, separators=(",", ":")).encode()


def write(target, data):
    folder = os.path.join(HERE, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


# Bodies as the API may send them now that decoding is tolerant.
FLOAT_APP = text({"success": True, "errors": None, "messages": None,
                  "result": dict(APP, origin_port=22.0, origin_dns={"name": "o.example.com", "ttl": 600.0})})
FLOAT_PROTOCOLS = b'{"success":true,"result":[{"name":"tcp/22","ports":[22.0,2e1]}]}'
FLOAT_FAILURE = b'{"success":false,"errors":[{"code":1000.0,"message":"x"}],"messages":null}'
NULL_LISTS = b'{"success":true,"errors":null,"messages":null,"result":null}'
NO_SUCCESS = text({"result": APP})
LIST_FLOAT_INFO = ok([APP], result_info={"page": 1.0, "per_page": 20.0, "count": 1, "total_count": 1e0})
DECODE = [FLOAT_APP, FLOAT_PROTOCOLS, FLOAT_FAILURE, NULL_LISTS, NO_SUCCESS, LIST_FLOAT_INFO, ok(REPORT),
          ok(CURRENT), ok(MAGIC), b'{"errors":[{"code":7003,"message":"No route"}]}', b" \n",
          b'{"success":true,"result":{"id":"a"},"result":{"id":"b"}}']
for body in DECODE:
    write("decode_responses", body)

# client_response: status index (STATUSES) or 0x8000 | (status - 100),
# operation, header index | framing bits, header value, NUL, body.
STATUS = {200: 0, 201: 4, 204: 5, 301: 6, 304: 7, 400: 8, 401: 9, 403: 10, 404: 11, 408: 12, 409: 13,
          429: 14, 500: 15, 502: 16, 503: 17, 504: 18, 599: 19}
HEADER = {"retry-after": 0, "retry-after-ms": 1, "x-should-retry": 2, "content-type": 3, "cf-ray": 4,
          "content-encoding": 5, "x-other": 6, None: 7}
GZIP, DEFLATE, CHUNKED = 0x08, 0x10, 0x20
OP = {name: i for i, name in enumerate([
    "spectrum_apps_get", "spectrum_apps_list", "spectrum_apps_delete", "spectrum_analytics_summary",
    "magic_apps_list", "spectrum_protocols_list", "magic_apps_delete", "spectrum_analytics_current",
    "spectrum_analytics_bytime", "spectrum_apps_create", "spectrum_apps_update", "magic_apps_create",
    "magic_apps_update", "magic_apps_patch"])}


def case(status, op, body, header=None, value=b"", framing=0):
    selector = STATUS[status]
    head = bytes([selector & 0xFF, selector >> 8, OP[op], HEADER[header] | framing])
    write("client_response", head + value + b"\0" + body)


case(200, "spectrum_apps_delete", b"")
case(204, "magic_apps_delete", b"")
case(200, "magic_apps_delete", NULL_LISTS)
case(200, "spectrum_apps_delete", b'{"success":true,"result":null}')
case(200, "spectrum_apps_get", b"")
case(200, "spectrum_apps_get", FLOAT_APP)
case(200, "spectrum_protocols_list", FLOAT_PROTOCOLS)
case(404, "spectrum_apps_get", FLOAT_FAILURE)
case(200, "spectrum_apps_get", ok(APP), framing=GZIP)
case(200, "spectrum_apps_list", LIST_FLOAT_INFO, framing=DEFLATE | CHUNKED)
case(200, "spectrum_analytics_summary", ok(dict(REPORT, padding="x" * 6000)), framing=GZIP)
case(200, "spectrum_analytics_summary", ok(dict(REPORT, padding="x" * 6000)), framing=CHUNKED)
case(503, "spectrum_apps_create", text(FAILURE), header="retry-after", value=b"0")
case(429, "magic_apps_create", text(FAILURE), header="retry-after-ms", value=b"250")
case(200, "spectrum_analytics_current", ok(CURRENT), header="cf-ray", value=b"8f1e2d3c4b5a6978-SFO")
case(200, "spectrum_analytics_bytime", ok(REPORT), framing=DEFLATE)
case(201, "magic_apps_create", ok(MAGIC))
case(200, "spectrum_apps_update", ok(APP), framing=CHUNKED)
case(502, "magic_apps_patch", b"<html>502 Bad Gateway</html>", framing=GZIP | CHUNKED)
case(500, "magic_apps_update", b'{"errors":[{"code":7003,"message":"No route"}]}')
case(400, "spectrum_apps_update", b'{"success":true,"errors":[]}')
case(200, "spectrum_apps_get", text({"success": False, "errors": [], "result": APP}))
case(200, "spectrum_apps_get", b"\x1f\x8b\x08\x00garbage", header="content-encoding", value=b"gzip")
case(500, "magic_apps_list", text(FAILURE), header="x-should-retry", value=b"false")
case(400, "magic_apps_patch", text(FAILURE), header="x-should-retry", value=b"true")
