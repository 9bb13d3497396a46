"""Configuration profiles: `production` refuses to start with unsafe settings."""

import os


class UnsafeConfiguration(Exception):
    """The production profile was asked to start with a setting that is unsafe there."""


def _problems(config):
    """Yield what is unsafe about config for production."""
    if config.get("DEBUG"):
        yield "OSSA_DEBUG is on (stack traces and the debugger would be exposed)"
    if not config.get("CDS_JWT_REQUIRED"):
        yield "OSSA_CDS_JWT_REQUIRED is off (anyone could call the CDS services)"
    if config.get("CDS_JWT_REQUIRED") and not config.get("CDS_JWKS_FILE"):
        yield "OSSA_CDS_JWKS_FILE is not set (no key could verify a CDS token)"
    if "*" in str(config.get("CDS_FHIR_SERVERS", "*")).split(","):
        yield ("OSSA_CDS_FHIR_SERVERS is * (the CDS services would read from any FHIR server a "
               "caller names: list the EHRs' FHIR base URLs)")
    workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
    if config.get("RATELIMIT_DEFAULT") and workers > 1 and not config.get("REDIS_URL"):
        yield (f"OSSA_RATELIMIT_DEFAULT without OSSA_REDIS_URL and {workers} workers "
               f"(each worker would count alone: the real limit would be {workers}x)")


def check_profile(config):
    """Raise UnsafeConfiguration when the production profile meets an unsafe setting."""
    if config.get("PROFILE") != "production" or config.get("ALLOW_UNSAFE"):
        return
    problems = list(_problems(config))
    if problems:
        raise UnsafeConfiguration(
            "refusing to start the production profile: " + "; ".join(problems)
            + ". Fix the settings, or set OSSA_ALLOW_UNSAFE=true to start anyway.")
