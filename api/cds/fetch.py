"""The patient's active medicines: from the call's prefetch, else from the EHR's FHIR server.

A call that carries no prefetch but `fhirServer` and `fhirAuthorization` gets the same search
(`PREFETCH_QUERY`) run against the FHIR server with the bearer token: a short timeout, at most
MAX_PAGES pages (`Bundle.link[next]`, on the same server only), MAX_BYTES per page. Any failure
(unreachable, slow, an HTTP error, not a Bundle) is returned as a reason, never raised: the cards
then cover the draft orders only and say why. The token is never logged.
"""

import json
import logging
import time
from dataclasses import dataclass, field

import httpx

PREFETCH_KEY = "activeMedications"
PREFETCH_QUERY = ("MedicationRequest?patient={{context.patientId}}&status=active"
                  "&_include=MedicationRequest:medication")
TIMEOUT = 2.0  # seconds for the whole fetch, every page included
MAX_PAGES = 5
MAX_BYTES = 2 * 1024 * 1024
log = logging.getLogger("ossa.cds")


class FetchError(Exception):
    """The FHIR server could not give the active medicines; the message says why, for cards."""


@dataclass
class Active:
    """The active medicines found (FHIR containers), where from, and why not when they are not."""

    containers: list = field(default_factory=list)
    origin: str = "none"  # prefetch | fhir_server | none
    problem: str | None = None


def active_medications(call, allowed_servers=("*",), client=None):
    """Return the patient's active medication requests for a hook call (never raises)."""
    prefetch = call.get("prefetch") or {}
    if prefetch.get(PREFETCH_KEY) is not None:
        return Active([prefetch[PREFETCH_KEY]], "prefetch")
    server, auth = call.get("fhirServer"), call.get("fhirAuthorization") or {}
    patient, token = call["context"].get("patientId"), auth.get("access_token")
    if not (server and patient and isinstance(token, str) and token):
        return Active()
    try:
        if not _allowed(server, allowed_servers):
            raise FetchError("the FHIR server is not on this service's allowlist")
        return Active(fetch(server, token, patient, client=client), "fhir_server")
    except FetchError as exc:
        log.warning("active medications not read from the FHIR server: %s", exc)
        return Active([], "fhir_server", str(exc))


def _allowed(server, allowed):
    return "*" in allowed or any(server.rstrip("/") == a.rstrip("/") for a in allowed)


def fetch(server, token, patient, *, client=None):
    """Return the Bundles of the active-medication search, following `next` links."""
    base = server.rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise FetchError("fhirServer is not an http(s) URL")
    url = f"{base}/MedicationRequest"
    params = {"patient": patient, "status": "active", "_include": "MedicationRequest:medication"}
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/fhir+json"}
    deadline = time.monotonic() + TIMEOUT
    owned = client is None
    client = client or httpx.Client(follow_redirects=False)
    bundles = []
    try:
        for _ in range(MAX_PAGES):
            bundle = _page(client, url, params, headers, deadline)
            bundles.append(bundle)
            url, params = _next(bundle, base), None
            if url is None:
                break
    finally:
        if owned:
            client.close()
    return bundles


def _page(client, url, params, headers, deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"the FHIR server did not answer within {TIMEOUT:g} s")
    try:
        with client.stream("GET", url, params=params, headers=headers,
                           timeout=httpx.Timeout(left)) as response:
            if response.status_code != 200:
                raise FetchError(f"the FHIR server answered HTTP {response.status_code}")
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES or time.monotonic() > deadline:
                    raise FetchError("the FHIR server's answer was too large or too slow")
    except httpx.TimeoutException as exc:
        raise FetchError(f"the FHIR server did not answer within {TIMEOUT:g} s") from exc
    except httpx.HTTPError as exc:
        raise FetchError("the FHIR server could not be reached") from exc
    try:
        bundle = json.loads(body)
    except ValueError as exc:
        raise FetchError("the FHIR server's answer is not JSON") from exc
    if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
        raise FetchError("the FHIR server's answer is not a FHIR Bundle")
    return bundle


def _next(bundle, base):
    """Return the next page's URL when it is on the same server, else None."""
    for link in bundle.get("link") or []:
        if isinstance(link, dict) and link.get("relation") == "next":
            url = link.get("url")
            if isinstance(url, str) and (url.startswith((base + "/", base + "?"))):
                return url
    return None
