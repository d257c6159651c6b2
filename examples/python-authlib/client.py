"""A Python backend calling Portcullis with Authlib: a confidential client gets an access token with
client_credentials (RFC 6749 §4.4, client_secret_basic), verifies it as a resource server would against the JWKS
(RFC 9068), creates a unicorn on the sample API with the Django tutorial's form body, lists them, and revokes the
token (RFC 7009). Debian's python3-authlib and python3-requests are all it needs.

    PORTCULLIS_ISSUER=http://127.0.0.1:8787 CLIENT_ID=demo-service CLIENT_SECRET=... /usr/bin/python3 client.py
"""

import json
import os

import requests
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt

issuer = os.environ["PORTCULLIS_ISSUER"]
metadata = requests.get(f"{issuer}/.well-known/oauth-authorization-server", timeout=10).json()
assert metadata["issuer"] == issuer

client = OAuth2Session(
    os.environ["CLIENT_ID"],
    os.environ["CLIENT_SECRET"],
    scope="read write",
    token_endpoint_auth_method="client_secret_basic",
)
token = client.fetch_token(metadata["token_endpoint"], grant_type="client_credentials")

# The access token is an RFC 9068 JWT: check it with the published keys, the issuer and the audience.
keys = JsonWebKey.import_key_set(requests.get(metadata["jwks_uri"], timeout=10).json())
claims = jwt.decode(
    token["access_token"],
    keys,
    claims_options={
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": f"{issuer}/api"},
    },
)
claims.validate()

# The session sends `Authorization: Bearer`; `data=` posts a form, as `curl -d` does in the tutorial.
created = client.post(f"{issuer}/api/unicorns", data={"name": "djangounchained", "age": 34})
created.raise_for_status()
listed = client.get(f"{issuer}/api/unicorns").json()

client.revoke_token(metadata["revocation_endpoint"], token=token["access_token"])

print(json.dumps({
    "scope": token["scope"],
    "client_id": claims["client_id"],
    "created": created.json(),
    "listed": [unicorn["name"] for unicorn in listed["unicorns"]],
}))
