#!/usr/bin/env bash
# Closure reports end to end, with the real CLI and a client's tools.
#
# Makes demo data, exports signed reports of closed demo tickets with target/debug/ticketflow-cli
# (builds nothing), and checks each one the way a client would: pdfsig with the installation's
# exported root trusted in an NSS database ("Signature is Valid.", "Total document signed",
# "Certificate is Trusted."), qpdf --check, and `verify-report` (exit 0). A copy with one byte
# changed must give "Digest Mismatch." and make verify-report exit 1. Pages are rendered with
# pdftoppm into artifacts/reports/ so a person can look at them.
#
# The signing key goes to the kernel key store (TICKETFLOW_KEYSTORE=keyutils) inside a private
# session keyring (`keyctl session`, Debian package keyutils): it works headless, and the key is
# gone with the session. Needs: poppler-utils, qpdf, libnss3-tools, sqlite3, keyutils.
set -euo pipefail
cd "$(dirname "$0")/../.."

cli="$PWD/target/debug/ticketflow-cli"
[[ -x $cli ]] || { echo "reports.sh: $cli is missing; build it first (cargo build)" >&2; exit 1; }
for tool in pdfsig qpdf certutil pdftoppm pdfinfo sqlite3 keyctl; do
  command -v "$tool" >/dev/null || { echo "reports.sh: $tool is required" >&2; exit 1; }
done

# Run the rest inside a new session keyring, so the key lives and dies with this run.
if [[ -z ${TICKETFLOW_REPORTS_IN_SESSION:-} ]]; then
  exec keyctl session - env TICKETFLOW_REPORTS_IN_SESSION=1 bash "$0" "$@"
fi
export TICKETFLOW_KEYSTORE=keyutils

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
out="$work/out"
art="$PWD/artifacts/reports"
rm -rf "$art"
mkdir -p "$out" "$art"

passed=0
failed=0
pass() { passed=$((passed + 1)); printf '  ok    %s\n' "$*"; }
fail() { failed=$((failed + 1)); printf '  FAIL  %s\n' "$*"; }
check() { # description, command...
  local what=$1; shift
  if "$@" >"$work/last.log" 2>&1; then pass "$what"; else fail "$what"; sed 's/^/        /' "$work/last.log"; fi
}

echo "==> demo data"
"$cli" --data-dir "$data" demo-data --tickets 60 --seed 42 2>/dev/null
"$cli" --data-dir "$data" report-settings --msp-name "Northwind IT Services" >/dev/null
db="$data/ticketflow.db"
q() { sqlite3 -batch -noheader "$db" "$1"; }
closed_where() {
  q "SELECT t.number FROM tickets t JOIN contacts c ON c.id = t.contact_id
     WHERE t.status = 'closed' AND $1 ORDER BY t.id LIMIT 1"
}
has_step() { echo "EXISTS (SELECT 1 FROM step_records s WHERE s.ticket_id = t.id AND s.step = $1)"; }
simple=$(closed_where "NOT $(has_step 11) AND NOT $(has_step 17)")
complex=$(closed_where "$(has_step 11) AND $(has_step 17)")
[[ -n $complex ]] || complex=$(closed_where "$(has_step 11)")
greek=$(closed_where "(c.name LIKE '%Σοφία%' OR c.name LIKE '%Дмитрий%' OR c.name LIKE '%Иванов%')")
latin=$(closed_where "(c.name LIKE '%Zoë%' OR c.name LIKE '%Łukasz%' OR c.name LIKE '%Ødegård%')")
tickets=()
for t in "$simple" "$complex" "$greek" "$latin"; do
  [[ -n $t && ! " ${tickets[*]} " =~ " $t " ]] && tickets+=("$t")
done
echo "tickets: ${tickets[*]}"
((${#tickets[@]} >= 3)) || { echo "reports.sh: the demo data has too few closed tickets" >&2; exit 1; }

echo "==> export and check"
for t in "${tickets[@]}"; do
  check "$t: export-report" "$cli" --data-dir "$data" export-report "$t" --out "$out/$t.pdf"
done
"$cli" --data-dir "$data" export-report "${tickets[0]}" --out "$out/${tickets[0]}-letter.pdf" --paper letter >/dev/null
check "export-root-cert" "$cli" --data-dir "$data" export-root-cert --out "$work/root.pem"
certutil -N -d "sql:$work/nss" --empty-password 2>/dev/null || { mkdir -p "$work/nss"; certutil -N -d "sql:$work/nss" --empty-password; }
check "root trusted in NSS" certutil -A -d "sql:$work/nss" -n ticketflow-root -t "CT,C,C" -a -i "$work/root.pem"

for pdf in "$out"/*.pdf; do
  name=$(basename "$pdf" .pdf)
  sig=$(pdfsig -nssdir "sql:$work/nss" "$pdf" 2>&1 || true)
  for expect in "Signature is Valid." "Total document signed" "Certificate is Trusted."; do
    if grep -qF "$expect" <<<"$sig"; then pass "$name: pdfsig $expect"; else fail "$name: pdfsig $expect"; echo "$sig" | sed 's/^/        /'; fi
  done
  check "$name: qpdf --check" qpdf --check "$pdf"
  check "$name: verify-report" "$cli" --data-dir "$data" verify-report "$pdf"
  size=$(stat -c %s "$pdf")
  if ((size < 100 * 1024)); then pass "$name: $size bytes (< 100 KB)"; else fail "$name: $size bytes (>= 100 KB)"; fi
  pages=$(pdfinfo "$pdf" | awk '/^Pages:/ {print $2}')
  pdftoppm -png -r 60 "$pdf" "$art/$name"
  cp "$pdf" "$art/"
  echo "        $pages pages -> $art/$name-*.png"
done
if pdfinfo "$out/${tickets[0]}-letter.pdf" | grep -q "612 x 792 pts (letter)"; then pass "letter paper"; else fail "letter paper"; fi

echo "==> a tampered copy fails"
victim="$out/${tickets[0]}.pdf"
bad="$work/tampered.pdf"
cp "$victim" "$bad"
offset=$(( $(stat -c %s "$bad") / 3 ))
for replacement in X Y; do
  printf '%s' "$replacement" | dd of="$bad" bs=1 seek="$offset" conv=notrunc status=none
  cmp -s "$victim" "$bad" || break
done
if cmp -s "$victim" "$bad"; then fail "could not change a byte"; fi
sig=$(pdfsig -nssdir "sql:$work/nss" "$bad" 2>&1 || true)
if grep -qF "Digest Mismatch." <<<"$sig"; then pass "tampered: pdfsig Digest Mismatch."; else fail "tampered: pdfsig Digest Mismatch."; echo "$sig" | sed 's/^/        /'; fi
set +e
"$cli" --data-dir "$data" verify-report "$bad" >"$work/verify.log" 2>&1
code=$?
set -e
if ((code == 1)); then pass "tampered: verify-report exits 1"; else fail "tampered: verify-report exited $code"; sed 's/^/        /' "$work/verify.log"; fi

echo
echo "reports: PNG pages in $art"
echo "$passed passed, $failed failed"
((failed == 0))
