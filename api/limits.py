"""Bounds on the work one request may buy: orders and codings per CDS call (the FHIR inside a
call is untyped in the contract, so these bounds are checked here), and name-matching work."""

from werkzeug.exceptions import UnprocessableEntity

MAX_DRAFT_ORDERS = 50  # draft orders (or medications) in one CDS call
MAX_ACTIVE_ORDERS = 200  # active medication requests read from the prefetch or FHIR server
MAX_ALTERNATIVES = 12  # codes and names one order offers for its medicine (codings, display)


class TooMuchWork(UnprocessableEntity):
    """The request is well-formed but asks for more matching work than one call may buy."""


def check_orders(drafts, current):
    """Refuse a CDS call whose orders exceed the bounds (a 422 OperationOutcome)."""
    if len(drafts) > MAX_DRAFT_ORDERS:
        raise TooMuchWork(f"The call holds {len(drafts)} draft orders; at most "
                          f"{MAX_DRAFT_ORDERS} are reviewed in one call.")
    if len(current) > MAX_ACTIVE_ORDERS:
        raise TooMuchWork(f"The patient has {len(current)} active medication requests; at most "
                          f"{MAX_ACTIVE_ORDERS} are reviewed in one call.")
    for order in drafts + current:
        if len(order["alternatives"]) > MAX_ALTERNATIVES:
            name = order["ref"] or "an order"
            raise TooMuchWork(f"{name} names its medicine in {len(order['alternatives'])} "
                              f"codings and texts; at most {MAX_ALTERNATIVES} are read.")
