"""``entrywatch screen --url`` and ``entrywatch match --url``: the same JSON lines in and out, answered by a
running worker (``POST /screen``, ``POST /match``) against the lists in force there, instead of lists
parsed in-process. The bearer token is ``ENTRYWATCH_WEB_TOKEN`` when set."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import IO, Any

from streams.ondemand import MAX_BATCH, MatchRequestError, NameQuery, parse_query

TIMEOUT_S = 60.0


class WorkerUnreachable(RuntimeError):
    """The worker did not answer (or answered something that is not the API's)."""


def post(url: str, path: str, body: bytes, token: str | None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url.rstrip("/") + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return resp.status, json.load(resp)
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.load(exc)
        except ValueError:
            raise WorkerUnreachable(f"{url}{path} answered {exc.code} without a JSON body") from None
    except (OSError, ValueError) as exc:
        raise WorkerUnreachable(f"{url}{path}: {exc}") from None


def _line(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def screen_remote(url: str, token: str | None, lines: Iterable[bytes], out: IO[bytes]) -> tuple[int, int]:
    """One POST /screen per non-blank line; the answer (or the error line) written in order."""
    ok = bad = 0
    for n, raw in enumerate(lines, start=1):
        body = raw.rstrip(b"\r\n")
        if not body.strip():
            continue
        status, answer = post(url, "/screen", body, token)
        if status == 200:
            out.write(_line(answer))
            ok += 1
        elif status in (400, 413):
            kind = answer.get("error_kind", "size" if status == 413 else "schema")
            error = {
                "error": answer.get("error"),
                "error_kind": kind,
                "error_path": answer.get("error_path", "$"),
                "line": n,
            }
            out.write(_line(error))
            bad += 1
        else:
            raise WorkerUnreachable(f"{url}/screen answered {status}: {answer.get('error', answer)}")
    out.flush()
    return ok, bad


def match_remote(url: str, token: str | None, lines: IO[str], out: IO[str], top: int) -> int:
    """Names checked here, sent in batches of up to MAX_BATCH to POST /match; one answer line per input
    line, in order (a bad line gets ``{"error", "line"}`` as offline)."""
    pending: list[tuple[int, NameQuery | str]] = []
    for n, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            pending.append((n, parse_query(json.loads(raw), "$")))
        except (ValueError, MatchRequestError) as exc:
            pending.append((n, str(exc)))
    bad = 0
    for i in range(0, len(pending), MAX_BATCH):
        part = pending[i : i + MAX_BATCH]
        queries = [q.to_json() for _n, q in part if isinstance(q, NameQuery)]
        results: list[Any] = []
        if queries:
            status, answer = post(url, "/match", json.dumps({"queries": queries, "top": top}).encode(), token)
            if status != 200:
                raise WorkerUnreachable(f"{url}/match answered {status}: {answer.get('error', answer)}")
            results = list(answer["results"])
        for n, q in part:
            if isinstance(q, NameQuery):
                out.write(json.dumps(results.pop(0), ensure_ascii=False) + "\n")
            else:
                bad += 1
                out.write(json.dumps({"error": q, "line": n}) + "\n")
    out.flush()
    return bad
