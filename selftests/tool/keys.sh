#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# genkey, pubkey, fingerprint and the key file layer, against the reference's
# vector keys and OpenSSL's own view of them.
. "$(dirname "$0")/lib.sh"
vector_keys

# --- genkey
run genkey new.pem
ok $? "genkey 2048 succeeds"
check "genkey: file mode is 0600" test "$(stat -c %a new.pem)" = 600
check "genkey: PKCS#1 PEM header, as the reference writes" \
	test "$(head -n1 new.pem)" = "-----BEGIN RSA PRIVATE KEY-----"
check "genkey: OpenSSL sees a 2048-bit RSA key" \
	bash -c "openssl rsa -in new.pem -noout -text | grep -q 'Private-Key: (2048 bit'"
check "genkey: e = 65537" bash -c "openssl rsa -in new.pem -noout -text | grep -q 'publicExponent: 65537'"
ok $(out_is "$("$CTL" fingerprint new.pem)"; echo $?) "genkey prints the fingerprint as 'fingerprint' does"
check "genkey: no temporary file left behind" test "$(ls -A | grep -c '^\.new')" = 0
run genkey new.pem
ok $(rc_is $EXIT_FAIL && err_has "already exists" && err_has "--force"; echo $?) \
	"genkey refuses to overwrite, says --force"
cp new.pem before.pem
run genkey --force new.pem
ok $(rc_is 0 && ! cmp -s new.pem before.pem; echo $?) "genkey --force replaces the key"
run genkey --bits 3072 k3072.pem
ok $(rc_is 0 && openssl rsa -in k3072.pem -noout -text | grep -q '(3072 bit'; echo $?) "genkey --bits 3072"
run genkey --bits 1024 k1024.pem
ok $(rc_is $EXIT_USAGE && err_has "2048, 3072 or 4096" && [ ! -e k1024.pem ]; echo $?) \
	"genkey --bits 1024 refused as usage error"
run -j genkey j.pem
ok $(rc_is 0 && json_ok && [ "$(jq -r .bits "$T/out")" = 2048 ] &&
     [ "$(jq -r .sha256 "$T/out")" = "$(openssl pkey -in j.pem -pubout -outform DER | sha256sum | cut -d' ' -f1)" ]; echo $?) \
	"genkey --json: valid JSON, bits and sha256 right"
run genkey
ok $(rc_is $EXIT_USAGE; echo $?) "genkey without FILE is a usage error"
run genkey --help
ok $(rc_is 0 && out_has "Usage:"; echo $?) "genkey --help"
run genkey nodir/x.pem
ok $(rc_is $EXIT_NOTFOUND && err_has "nodir"; echo $?) "genkey into a missing directory says which"

# --- fingerprint and pubkey against the vectors
for n in alice bob carol dave erin; do
	want=$(expected_fp $n.pub)
	run fingerprint $n.pk1
	ok $(rc_is 0 && out_is "$want"; echo $?) "fingerprint of $n's PKCS#1 private key = sha256(SPKI DER)"
	run fingerprint $n.pk8
	ok $(rc_is 0 && out_is "$want"; echo $?) "fingerprint of $n's PKCS#8 private key is the same"
	run fingerprint $n.pub
	ok $(rc_is 0 && out_is "$want"; echo $?) "fingerprint of $n's public key is the same"
done
run fingerprint --short alice.pub
want=$(openssl pkey -pubin -in alice.pub -outform DER | openssl dgst -sha256 -binary | base64 | tr -d '=')
ok $(rc_is 0 && out_is "SHA256:$want"; echo $?) "fingerprint --short is ssh style SHA256:<base64>"
run -j fingerprint bob.pk1
ok $(rc_is 0 && json_ok && [ "$(jq -r .sha256 "$T/out")" = "$(expected_fp bob.pub)" ] &&
     [ "$(jq -r .bits "$T/out")" = 2048 ]; echo $?) "fingerprint --json"

for n in alice bob; do
	run pubkey $n.pk1
	ok $(rc_is 0 && cmp -s "$T/out" $n.pub; echo $?) "pubkey of $n's PKCS#1 key is the vectors' SPKI PEM"
	run pubkey $n.pk8
	ok $(rc_is 0 && cmp -s "$T/out" $n.pub; echo $?) "pubkey of $n's PKCS#8 key is the same"
done
"$CTL" pubkey <alice.pk1 >"$T/out" 2>"$T/err"
ok $(cmp -s "$T/out" alice.pub; echo $?) "pubkey reads stdin, like wg pubkey"
openssl rsa -pubin -in alice.pub -RSAPublicKey_out -out alice.rsapub 2>/dev/null
run pubkey alice.rsapub
ok $(rc_is 0 && cmp -s "$T/out" alice.pub; echo $?) "pubkey converts an RSA PUBLIC KEY (PKCS#1) to SPKI"
run pubkey erin.pk1
ok $(rc_is 0 && cmp -s "$T/out" erin.pub; echo $?) "erin (1024-bit) is accepted by the file layer; policy is the kernel's"
run -j pubkey alice.pk1
ok $(rc_is 0 && json_ok && [ "$(jq -r .public_key "$T/out")" = "$(cat alice.pub)" ]; echo $?) "pubkey --json"
run pubkey new.pem
ok $(rc_is 0 && ! grep -q PRIVATE "$T/out" "$T/err"; echo $?) "pubkey never prints private material"

# --- what is refused, and how
run pubkey nonexistent.pem
ok $(rc_is $EXIT_NOTFOUND && err_has "nonexistent.pem" && err_has "No such file"; echo $?) "missing file: exit 3, names the file"
echo "not a key" >garbage.pem
run pubkey garbage.pem
ok $(rc_is $EXIT_FAIL && err_has "garbage.pem is not a PEM or DER key file"; echo $?) "garbage: not a PEM key file"
: >empty.pem
run pubkey empty.pem
ok $(rc_is $EXIT_FAIL && err_has "empty"; echo $?) "empty file: says it is empty"
head -c 600 alice.pk1 >trunc.pem
run pubkey trunc.pem
ok $(rc_is $EXIT_FAIL && err_has "trunc.pem" && err_has "not a valid PEM"; echo $?) "truncated PEM refused"
(head -n 5 alice.pk1; tail -n 1 alice.pk1) >cut.pem
run pubkey cut.pem
ok $(rc_is $EXIT_FAIL && err_has "does not decode"; echo $?) "PEM with lines cut out: does not decode"
openssl genrsa -aes128 -passout pass:secret -out enc1.pem 2048 2>/dev/null
run pubkey enc1.pem </dev/null
ok $(rc_is $EXIT_FAIL && err_has "encrypted with a passphrase"; echo $?) "encrypted PKCS#1 PEM refused, no prompt"
openssl genpkey -algorithm RSA -aes-128-cbc -pass pass:secret -out enc8.pem 2>/dev/null
run pubkey enc8.pem </dev/null
ok $(rc_is $EXIT_FAIL && err_has "encrypted with a passphrase"; echo $?) "encrypted PKCS#8 PEM refused"
openssl genrsa -out k512.pem 512 2>/dev/null
run pubkey k512.pem
ok $(rc_is $EXIT_FAIL && err_has "512-bit" && err_has "1024 to 4096"; echo $?) "512-bit key refused with the range"
openssl genrsa -out k8192.pem 8192 2>/dev/null
run fingerprint k8192.pem
ok $(rc_is $EXIT_FAIL && err_has "8192-bit"; echo $?) "8192-bit key refused"
openssl genpkey -algorithm ed25519 -out ed.pem
run pubkey ed.pem
ok $(rc_is $EXIT_FAIL && err_has "ED25519" && err_has "RSA"; echo $?) "Ed25519 key refused: needs RSA"
openssl ecparam -genkey -name prime256v1 -out ec.pem 2>/dev/null
run pubkey ec.pem
ok $(rc_is $EXIT_FAIL && err_has "EC key"; echo $?) "EC key refused"
run genkey --ensure alice.pub
ok $(rc_is $EXIT_FAIL && err_has "holds a public key" && cmp -s alice.pub <(jq -r .keys.alice.public_pem "$VECTORS"); echo $?) \
	"a public key where a private one is needed: refused, file untouched"
cp alice.pk1 loose.pem && chmod 644 loose.pem
run pubkey loose.pem
ok $(rc_is 0 && err_has "readable by others" && err_has "chmod 600"; echo $?) "warns about a private key readable by others"

# --- the reference's load-or-create with .bak recovery
run genkey --ensure id.pem
ok $(rc_is 0 && [ "$(stat -c %a id.pem)" = 600 ] && out_is "$("$CTL" fingerprint id.pem)"; echo $?) "genkey --ensure creates a missing key"
fp1=$("$CTL" fingerprint id.pem)
run genkey --ensure id.pem
ok $(rc_is 0 && [ "$("$CTL" fingerprint id.pem)" = "$fp1" ]; echo $?) "genkey --ensure keeps a good key"
echo "bit rot" >id.pem
run genkey --ensure --no-regenerate id.pem
ok $(rc_is $EXIT_FAIL && err_has "--no-regenerate" && [ "$(cat id.pem)" = "bit rot" ] && [ ! -e id.pem.bak ]; echo $?) \
	"--no-regenerate: corrupt key is an error, file untouched"
run genkey --ensure id.pem
ok $(rc_is 0 && [ "$(cat id.pem.bak)" = "bit rot" ] && "$CTL" fingerprint id.pem >/dev/null 2>&1 &&
     [ "$(stat -c %a id.pem)" = 600 ]; echo $?) "corrupt key moved to .bak and regenerated"
ok $(err_has "WARNING" && err_has "id.pem.bak" && err_has "NEW 2048-bit key"; echo $?) \
	"regeneration is announced loudly on stderr"
echo "more rot" >id.pem
run genkey --ensure id.pem
ok $(rc_is 0 && [ "$(cat id.pem.bak)" = "bit rot" ] && [ "$(cat id.pem.bak.1)" = "more rot" ]; echo $?) \
	"an existing .bak is kept: the next backup is .bak.1"
cp alice.pk1 flip.pem
# Flip one base64 character in the middle of the modulus: still parses as DER.
sed -i '5s/./A/10; 5s/./B/11' flip.pem
run -j genkey --ensure flip.pem
ok $(rc_is 0 && [ "$(jq -r .outcome "$T/out")" = regenerated ] && err_has "inconsistent RSA key" && cmp -s flip.pem.bak <(sed '5s/./A/10; 5s/./B/11' alice.pk1); echo $?) \
	"a key that parses but is inconsistent counts as corrupt"
run genkey --ensure enc1.pem </dev/null
ok $(rc_is $EXIT_FAIL && [ ! -e enc1.pem.bak ]; echo $?) "an encrypted key is never replaced by --ensure"
run genkey --no-regenerate x.pem
ok $(rc_is $EXIT_USAGE; echo $?) "--no-regenerate without --ensure is a usage error"

# --- every new subcommand has --help, and the top-level usage lists it
for sub in genkey pubkey fingerprint pin password-check; do
	run $sub --help
	ok $(rc_is 0 && out_has "Usage:" && "$CTL" --help | grep -q "^  $sub "; echo $?) "$sub --help, listed in pmhs-ctl --help"
done

finish
