"""CDS Hooks 2.0.1 services for EHRs, in six parts:

- services: discovery, one route per service and its feedback route (the blueprint);
- schemas: hook calls and feedback loaded, discovery and cards dumped;
- auth: the client's JWT (keys re-read on rotation, issuer, audience, lifetime, replay);
- fhir: medication orders read leniently out of whatever FHIR an EHR sends;
- fetch: the patient's active medicines, from the prefetch or the EHR's FHIR server;
- cards: the cards, from a review of the draft orders with the active medicines.
"""

from api.cds.services import bp, init_app

__all__ = ["bp", "init_app"]
