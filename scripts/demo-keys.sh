#!/usr/bin/env bash
# Regenerates the DEMO ONLY token issuer key pair in config/keys/:
#   demo-issuer-ed25519.pem   Ed25519 private key used by `bronpoort token` (PUBLIC, in git!)
#   demo-issuer.jwks.json     its public key as a JWKS, kid "demo-2026", trusted by config/gateway.json
# Anyone with this repository can sign tokens with the demo key: never trust it in production.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KEYS="$ROOT/config/keys"
KID=${1:-demo-2026}
mkdir -p "$KEYS"

openssl genpkey -algorithm ed25519 -out "$KEYS/demo-issuer-ed25519.pem"
chmod 644 "$KEYS/demo-issuer-ed25519.pem"  # deliberately readable: it is a published demo key
# The SubjectPublicKeyInfo DER of an Ed25519 key ends with the 32 raw public key bytes (RFC 8410).
X=$(openssl pkey -in "$KEYS/demo-issuer-ed25519.pem" -pubout -outform DER | tail -c 32 |
    base64 | tr '+/' '-_' | tr -d '=\n')
cat > "$KEYS/demo-issuer.jwks.json" <<JSON
{
  "keys": [
    {"kty": "OKP", "crv": "Ed25519", "x": "$X", "kid": "$KID", "use": "sig", "alg": "EdDSA"}
  ]
}
JSON
echo "wrote $KEYS/demo-issuer-ed25519.pem and $KEYS/demo-issuer.jwks.json (kid $KID) - DEMO ONLY" >&2
