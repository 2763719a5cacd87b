# The data the fuzz runs act on, made before they start so that operations on one
# existing thing reach their logic instead of answering 404: the run's own client
# account (opened before the fuzzer can use up the registrations this address may
# make in an hour), a referred account, an approved commission (the server runs with
# no hold period), a payout destination and a payout waiting to be paid, a message
# sent to the client, an unverified address, two whitelist entries (the fuzzer's own
# address, kept, and another one to remove) and a second session.
# Source it, call `seed_fuzz_data` after `start_portico`, then `seeded_config` for the
# fuzz settings with the seeded ids in.

# One request of the seeding (curl's arguments after the method and path); prints the
# answer. A refusal prints the answer and the server log's end, then fails: the exit
# trap removes the log with the server's folder.
seed_request() {
  local method="$1" path="$2" answer
  shift 2
  if ! answer="$(curl -sS --fail-with-body -X "$method" "$PORTICO_URL$path" "$@")"; then
    echo "seeding the fuzz data failed: $method $path answered: $answer" >&2
    tail -n 20 "$PORTICO_WORK/server.log" >&2
    return 1
  fi
  printf '%s' "$answer"
}

seed_fuzz_data() {
  local json='content-type: application/json' token other code destination
  export PORTICO_FUZZ_USERNAME="fuzz-client"
  export PORTICO_FUZZ_PASSWORD="fuzzing violet tractor sings"
  local login="{\"login\": \"$PORTICO_FUZZ_USERNAME\", \"password\": \"$PORTICO_FUZZ_PASSWORD\"}"
  PORTICO_FUZZ_ACCOUNT_ID="$(seed_request POST /v1/accounts -H "$json" -d "{
    \"username\": \"$PORTICO_FUZZ_USERNAME\", \"email\": \"$PORTICO_FUZZ_USERNAME@example.com\",
    \"password\": \"$PORTICO_FUZZ_PASSWORD\", \"first_name\": \"Fuzz\", \"last_name\": \"Client\"}" | jq -er .id)"
  token="$(seed_request POST /v1/sessions -H "$json" -d "$login" | jq -er .token)"
  local auth="authorization: Bearer $token" platform="authorization: Bearer $PORTICO_PLATFORM_TOKEN"

  seed_request POST /v1/me/affiliate -H "$auth" >/dev/null
  code="$(seed_request POST /v1/me/affiliate/links -H "$auth" -H "$json" \
    -d "{\"landing_url\": \"$PORTICO_URL/offer\"}" | jq -er .code)"
  PORTICO_FUZZ_REFERRED_ID="$(seed_request POST /v1/accounts -H "$json" -d "{
    \"username\": \"fuzz-referred\", \"email\": \"fuzz-referred@example.com\",
    \"password\": \"referred amber kettle hums\", \"first_name\": \"Fuzz\",
    \"last_name\": \"Referred\", \"referral_code\": \"$code\"}" | jq -er .id)"
  # Its event id is fixed: `schemathesis.toml` names it for refunds.
  seed_request POST /v1/platform/affiliate/payments -H "$platform" -H "$json" \
    -d "{\"event_id\": \"fuzz-seed-1\", \"account_id\": \"$PORTICO_FUZZ_REFERRED_ID\", \"amount_minor\": 120000, \"currency\": \"EUR\"}" >/dev/null
  destination="$(seed_request POST /v1/me/affiliate/payout-destinations -H "$auth" -H "$json" \
    -d '{"kind": "account_credit"}' | jq -er .id)"
  PORTICO_FUZZ_DESTINATION_ID="$destination"
  PORTICO_FUZZ_PAYOUT_ID="$(seed_request POST /v1/me/affiliate/payouts -H "$auth" -H "$json" \
    -d "{\"destination_id\": \"$destination\"}" | jq -er .id)"
  PORTICO_FUZZ_MESSAGE_ID="$(seed_request GET /v1/me/messages -H "$auth" | jq -er '.items[0].id')"
  PORTICO_FUZZ_EMAIL_ID="$(seed_request POST /v1/me/emails -H "$auth" -H "$json" \
    -d '{"address": "fuzz-second@example.com"}' | jq -er .id)"
  seed_request POST /v1/me/ip-whitelist -H "$auth" -H "$json" \
    -d '{"cidr": "127.0.0.1", "label": "the fuzzer"}' >/dev/null
  PORTICO_FUZZ_WHITELIST_ID="$(seed_request POST /v1/me/ip-whitelist -H "$auth" -H "$json" \
    -d '{"cidr": "198.51.100.0/24", "label": "to remove"}' | jq -er .id)"
  # A second session, for the run's own to revoke.
  other="$(seed_request POST /v1/sessions -H "$json" -d "$login" | jq -er .token)"
  PORTICO_FUZZ_SESSION_ID="$(seed_request GET /v1/sessions -H "authorization: Bearer $other" \
    | jq -er '.items[] | select(.current) | .id')"
  export PORTICO_FUZZ_ACCOUNT_ID PORTICO_FUZZ_REFERRED_ID PORTICO_FUZZ_PAYOUT_ID \
    PORTICO_FUZZ_DESTINATION_ID PORTICO_FUZZ_MESSAGE_ID PORTICO_FUZZ_EMAIL_ID \
    PORTICO_FUZZ_WHITELIST_ID PORTICO_FUZZ_SESSION_ID
}

# `schemathesis.toml` with the dictionaries of seeded ids its operations draw from
# (`seeded-<name>`, each holding one id), written into the server's work folder;
# prints the file's path.
seeded_config() {
  local config="$PORTICO_WORK/schemathesis.toml" seeded name variable
  cp .ci/schemathesis/schemathesis.toml "$config"
  for seeded in account:PORTICO_FUZZ_ACCOUNT_ID referred-account:PORTICO_FUZZ_REFERRED_ID \
    payout:PORTICO_FUZZ_PAYOUT_ID message:PORTICO_FUZZ_MESSAGE_ID \
    destination:PORTICO_FUZZ_DESTINATION_ID email:PORTICO_FUZZ_EMAIL_ID \
    whitelist-entry:PORTICO_FUZZ_WHITELIST_ID session:PORTICO_FUZZ_SESSION_ID; do
    name="${seeded%%:*}" variable="${seeded#*:}"
    printf '\n[dictionaries.seeded-%s]\nvalues = ["%s"]\n' "$name" "${!variable}" >>"$config"
  done
  echo "$config"
}
