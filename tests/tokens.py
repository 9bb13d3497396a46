"""JWTs as a CDS client makes them: key pairs, a published JWK Set, freshly minted tokens."""

import json
import time
import uuid

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

ISSUER = "https://ehr.example.org"
PUBLIC = "https://ossa.example.org"
SIGN = "/cds-services/ossa-order-sign"
KEYS = {"ec-1": ec.generate_private_key(ec.SECP384R1()),
        "rsa-1": rsa.generate_private_key(public_exponent=65537, key_size=2048)}
STRANGER = ec.generate_private_key(ec.SECP384R1())  # a valid key the server does not know
P256 = ec.generate_private_key(ec.SECP256R1())


def write_jwks(path, keys=KEYS):
    """Write the public halves of keys as a JWK Set, the way an EHR publishes them."""
    jwks = []
    for kid, key in keys.items():
        tool = ECAlgorithm if isinstance(key, ec.EllipticCurvePrivateKey) else RSAAlgorithm
        jwks.append({**tool.to_jwk(key.public_key(), as_dict=True), "kid": kid, "use": "sig"})
    path.write_text(json.dumps({"keys": jwks}))
    return path


def mint(path=SIGN, *, alg="ES384", kid="ec-1", key=None, drop=(), **claims):
    """Return a token as a CDS client makes it; claims override or `drop` remove defaults."""
    now = int(time.time())
    body = {"iss": ISSUER, "sub": "client-1", "aud": PUBLIC + path, "iat": now,
            "exp": now + 300, "jti": str(uuid.uuid4()), **claims}
    for name in drop:
        del body[name]
    key = key or KEYS["ec-1" if alg.startswith("ES") else "rsa-1"]
    headers = {"typ": "JWT", **({"kid": kid} if kid else {})}
    return jwt.encode(body, key, algorithm=alg, headers=headers)
