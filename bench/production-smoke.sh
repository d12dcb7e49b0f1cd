#!/usr/bin/env bash
# The production shape driven once as a user, with curl (issue 19): against a running
# `npm run stack:production`, the README's first ticket through each API process, and a retried
# request with the same Idempotency-Key sent through the *other* process answers the same ticket.
#   KEY=pk_... PORT=3000 bash bench/production-smoke.sh     (prints every answer; exits 1 on a surprise)
set -euo pipefail
: "${KEY:?the admin key stack:production printed (or PASBAN_ADMIN_API_KEY)}"
PORT=${PORT:-3000}
A1=127.0.0.1:$((PORT + 1)) # API process 1
A2=127.0.0.1:$((PORT + 2)) # API process 2
H="Authorization: Bearer $KEY"
J='content-type: application/json'
fail() {
  echo "FAIL: $*"
  exit 1
}
say() { echo "== $*"; }

say "health of both API processes and the balancer"
for a in $A1 $A2 127.0.0.1:$PORT; do curl -sf "$a/healthz" >/dev/null || fail "$a/healthz"; done

POLICY=$(curl -s -H "$H" $A1/v1/policies | jq -r '.items[] | select(.key=="owj-agile" and .kind=="ticket") | .id')
PRODUCT=$(curl -s -H "$H" $A2/v1/products | jq -r '.items[] | select(.name=="Owj") | .id')
CUSTOMER=$(curl -s -H "$H" -H "$J" -d '{"name":"شرکت نمونه","contacts":[{"name":"Sara","phone":"+989121234567","email":"sara@example.ir","isPrimary":true}]}' $A1/v1/customers | jq -r .id)
curl -s -o /dev/null -w '%{http_code}\n' -H "$H" -H "$J" \
  -d "{\"customerId\":\"$CUSTOMER\",\"productId\":\"$PRODUCT\",\"policyId\":\"$POLICY\",\"startsAt\":\"2026-11-01T00:00:00+03:30\",\"endsAt\":\"2027-11-01T00:00:00+03:30\",\"paid\":true}" \
  $A2/v1/contracts | grep -q 201 || fail 'contract'
CKEY=$(curl -s -H "$H" -H "$J" -d "{\"name\":\"sara-$RANDOM\",\"displayName\":\"Sara\",\"role\":\"customer\",\"customerId\":\"$CUSTOMER\"}" $A1/v1/api-keys | jq -r .key)
C="Authorization: Bearer $CKEY"
IDEM="smoke-$(date +%s)-$RANDOM"

open() { # open <api> <idempotency-key> <subject>
  curl -s -w '\n%{http_code}' -H "$C" -H "$J" -H "Idempotency-Key: $2" \
    -d "{\"productId\":\"$PRODUCT\",\"priority\":\"high\",\"subject\":\"$3\",\"description\":\"از ساعت ۹ صبح ورود ممکن نیست\"}" \
    "$1/v1/tickets"
}

say "a ticket through API process 1 ($A1)"
R1=$(open $A1 "$IDEM-1" 'سامانه از دسترس خارج است')
T1=$(echo "$R1" | head -1 | jq -r .id)
echo "status $(echo "$R1" | tail -1), ticket $T1"
[ "$(echo "$R1" | tail -1)" = 201 ] || fail "first ticket: $R1"

say "a ticket through API process 2 ($A2)"
R2=$(open $A2 "$IDEM-2" 'پیامک‌ها ارسال نمی‌شوند')
T2=$(echo "$R2" | head -1 | jq -r .id)
echo "status $(echo "$R2" | tail -1), ticket $T2"
[ "$(echo "$R2" | tail -1)" = 201 ] || fail "second ticket: $R2"
[ "$T1" != "$T2" ] || fail 'two keys, one ticket'

say "the first request retried with its Idempotency-Key through the other process ($A2)"
R3=$(open $A2 "$IDEM-1" 'سامانه از دسترس خارج است')
echo "status $(echo "$R3" | tail -1), ticket $(echo "$R3" | head -1 | jq -r .id)"
[ "$(echo "$R3" | tail -1)" = 200 ] || fail "retry not replayed: $R3"
[ "$(echo "$R3" | head -1 | jq -r .id)" = "$T1" ] || fail 'retry answered another ticket'

say "the second retried through process 1 ($A1)"
R4=$(open $A1 "$IDEM-2" 'پیامک‌ها ارسال نمی‌شوند')
echo "status $(echo "$R4" | tail -1), ticket $(echo "$R4" | head -1 | jq -r .id)"
[ "$(echo "$R4" | tail -1)" = 200 ] && [ "$(echo "$R4" | head -1 | jq -r .id)" = "$T2" ] || fail "second retry: $R4"

say "the same key with another body, through the other process: refused"
R5=$(open $A2 "$IDEM-1" 'موضوع دیگر')
echo "status $(echo "$R5" | tail -1) $(echo "$R5" | head -1 | jq -c '{code, detail}')"
[ "$(echo "$R5" | tail -1)" = 409 ] || fail "conflicting reuse: $R5"

say "each ticket's live clock, read through the process that did not open it"
curl -s -H "$C" $A2/v1/tickets/$T1 | jq -c '{status, clock: [.clock.targets[] | {target, dueAt}]}'
curl -s -H "$C" $A1/v1/tickets/$T2 | jq -c '{status, clock: [.clock.targets[] | {target, dueAt}]}'
echo "the customer's list holds $(curl -s -H "$C" "127.0.0.1:$PORT/v1/tickets" | jq '.items | length') tickets (through the balancer)"
say "all as expected"
