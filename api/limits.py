"""Bounds on the work one request may buy: orders and codings per CDS call (the FHIR inside a
call is untyped in the contract, so these bounds are checked here), and name-matching work."""

from db import WorkLimitExceeded

MAX_DRAFT_ORDERS = 50  # draft orders (or medications) in one CDS call
MAX_ACTIVE_ORDERS = 200  # active medication requests read from the prefetch or FHIR server
MAX_ALTERNATIVES = 12  # codes and names one order offers for its medicine (codings, display)


def check_orders(drafts, current):
    """Refuse a CDS call whose orders exceed the bounds (422, as the matching budget does)."""
    if len(drafts) > MAX_DRAFT_ORDERS:
        raise WorkLimitExceeded(f"The call holds {len(drafts)} draft orders; at most "
                                f"{MAX_DRAFT_ORDERS} are reviewed in one call.")
    if len(current) > MAX_ACTIVE_ORDERS:
        raise WorkLimitExceeded(f"The patient has {len(current)} active medication requests; "
                                f"at most {MAX_ACTIVE_ORDERS} are reviewed in one call.")
    for order in drafts + current:
        if len(order["alternatives"]) > MAX_ALTERNATIVES:
            name = order["ref"] or "an order"
            raise WorkLimitExceeded(f"{name} names its medicine in "
                                    f"{len(order['alternatives'])} codings and texts; at most "
                                    f"{MAX_ALTERNATIVES} are read.")
