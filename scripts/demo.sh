#!/usr/bin/env bash
# make demo: the main job of rawsts, offline. It starts the local emulator (an STS and an OIDC
# issuer on loopback), takes a fresh ID token from the emulator's issuer, shows the
# AssumeRoleWithWebIdentity request as curl, sends it, prints the credentials, signs a
# GetCallerIdentity call with them, and stops the emulator. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

go build -o bin/rawsts ./cmd/rawsts
tmp=$(mktemp -d)
pid=
cleanup() {
	if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
	rm -rf "$tmp"
}
trap cleanup EXIT

bin/rawsts emulator --url-file "$tmp/url" --token-file "$tmp/token" >"$tmp/emulator.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
	[ -s "$tmp/url" ] && break
	if ! kill -0 "$pid" 2>/dev/null; then cat "$tmp/emulator.log" >&2; exit 1; fi
	sleep 0.1
done
[ -s "$tmp/url" ] || { echo "demo: the emulator did not start" >&2; cat "$tmp/emulator.log" >&2; exit 1; }
url=$(cat "$tmp/url")
role=arn:aws:iam::123456789012:role/DemoRole

echo "# 1. A local STS and OIDC issuer are listening on $url (rawsts emulator)."
echo "#    It minted this ID token for the demo; rawsts inspect shows it as STS will read it."
echo "#    The emulator's issuer is plain http on loopback, which real STS would refuse: the"
echo "#    emulator and rawsts accept it as the local emulator's exception, with a warning."
echo "#    DemoRole trusts this issuer's tokens for the audience sts.amazonaws.com."
echo
bin/rawsts inspect --file "$tmp/token" --account 123456789012 2>/dev/null || true
echo
echo "# 2. The AssumeRoleWithWebIdentity request, as curl (rawsts assume --print-curl; nothing is sent):"
echo
bin/rawsts assume --endpoint "$url" --role-arn "$role" --role-session-name demo \
	--web-identity-token-file "$tmp/token" --print-curl
echo
echo "# 3. Sent for real; the temporary credentials, ready for eval \"\$(rawsts assume ...)\":"
echo
bin/rawsts assume --endpoint "$url" --role-arn "$role" --role-session-name demo \
	--web-identity-token-file "$tmp/token" --output env
echo
echo "# 4. The same answer as the AWS CLI would print it (--output json):"
echo
bin/rawsts assume --endpoint "$url" --role-arn "$role" --role-session-name demo \
	--web-identity-token-file "$tmp/token" --output json
echo
echo "# 5. Use them: eval the exports, then a call signed with SigV4 (GetCallerIdentity, rawsts whoami):"
echo
eval "$(bin/rawsts assume --endpoint "$url" --role-arn "$role" --role-session-name demo \
	--web-identity-token-file "$tmp/token" --output env)"
bin/rawsts whoami --endpoint "$url"
