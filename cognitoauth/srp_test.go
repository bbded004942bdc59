package cognitoauth

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

// Vector A: simonmcallister0210/cognito-srp-helper src/__tests__/mocks/data.ts (PROTOCOL.md §4.6).
const (
	vaPoolID   = "eu-west-2_eYpv1mFHB"
	vaClientID = "18u8119jgbpr464n28s1itk2mq"
	vaSecret   = "ps50nb7hd1umdnmlt1xa9nwiscqvdvzy5ijw63vcacd09yihc2b"
	vaSub      = "a2c2e290-6d0f-4a08-a5ca-f0162935f3a6"
	vaPassword = "Qwerty1!"
	vaSmallA   = "abcdef0123456789"
	vaLargeA   = "362be8c4c29e414549c30c6679ddbb556c27717d80c8feec68257bf5edcd855fbd23590841c1f792dd24a09243c00d4fbb8cc8047fbe1c95da7b467d29269d2db462c6268f10ef5a3c23f71865a54bae6e48523e6a7a9b65d115c66a2f5b4ec5b7384c9796dc6b2d422ea630e1821104ab05cb4a4f292f991d771be4fdba39bc6ff8dce0f0addaaaf172d908d08544d573a2222f1e198caf65f5e6445848ed23b5bbfff0b5bc00ca54b2831a200577220cfe4f5de20b66baffbfc8d3a16af6f6a7a590e0764ccdf918daf922df1ed0a695702c9bd63a69b09b4c2fb8a3bffee5f89744639607e1920ee006d81f09cba7682e75be5b407fb5cb1f706c0dbf7a9325b5c56ea53333ba1aecab647beae4b2b44c0912814609560fda8d86e6aff0b2317e339d2d3b422069d8e68fca8a39c43acb360d4285bb2dd076bb58b41e07be255f349537adaae3bf5260b2c7e066fb77904ebcee5005cc367f926482f9b405952f50e1182049ac49847a048fca4fbe13c6538eea38132c9bc43c9b05690bb7"
	vaLargeB   = "bc071b539bfaa44b26a4f4a917dcc4b90291f3fea737baa555c0dfc792f11849902859dd52976fd7367130d91969670e8a0beb66d044641709d7a9ea609e2cc5baac6837e1ee8f8d9ccdce535be1dee59d4c893d9c9a1f06ddacb9d927e29c0e8bb1b8dda315f297e82c6095570ae3ab28a9110dfc4367296d77898b1d69d029f76e16ffebed59fc568548a9fb54a1a462440b19b4e4d89ae414374654788d599d0635f9b8a7a5c6a8556e675c4e01690d5324eecd092d269b2be31fa2dc7192cb0bec8a390ca4ce791c8e8cc9ed7258929430a2802a2b9dadd985a004d584e883621ff3518e223a6dbab5071bc844e4ee7d12f6c29bd9197f0fefcee91020b0903596cf170efd27648eb5de5ab2961032cf759dbc48dadb6db0dd585bb9c1e9f73bbea67a7ca406e26d4333c63d5339fa8c0f51fc12df554737da39fc780c0a648e884600f1bf9398cedddaee7d6db6ace4e0007d97f7322d7270dc25c6e6ae000e54b62f8cb868b16e16eadb4c8c87f3baae1c1b8e59aabb73771e62c0b898"
	vaSalt     = "baf4431cdaa37c04c0d655a99f5e9b9b"
	vaBlock    = "gn7F/ENIPPk/KZ7P2xYr4S0pZhCn29Y0nxXBtEPEc8Tt2cqbQpWorIuwSAC0g3fpDW9djD5+b9v30TctMTiVt6xjGaZeuWzzgAnVrc0l0xROzJItEQM1V96ySkrfFbL4tKuZokrqiszsRkgwnu4SGBz3akVpUD8pZnAg1Ycfc3LLSyQETFTndRHjS8UFGIovw7wqQfxKNKDC1nY2XYWR1nFuEIvHXb+Tvc76IxNZcaEvl5sAuTjwpVlmfwPSOELXnYxvDxUcFYO3sNguNqahn6aH4j16ccEZ/Wqoubn7QkomXV3Qdo5khQbw4F9CWFaxCHoRZwFAc8RQ4oGiIHLvuMb/Y/JhGTL3HefSkBXQ+uvoPK7YdgY8yn3SejYv4xD8lw+KLTPy1EbCXX9Aq1uwgjzeSygLl7/tkf1C/YzhefXEOfaLk2eNRlAschYunQ7WeIZWBYzW+38+r4bQpaecj8GcH/ycAOpacfoLB+/q3E/dHsFOFlzetYO6Qll5AXEv4hzJZgNh1/2zK3N8j2JBUjZs2h60Rh8OS+ZcQGa7ICPfS7XDvSV8U6Xan3j2m0Azz2ara+1I4MYDVj5P4/BneVDh4L+6Dl3EWEAF9UO8Ur1/5seiOVcAQe3TlwN9UWgmOZHIq/UGU14ofpmZI46WWS3qB+yBPHbWWJ0MMFFtRwCTzFl+2kRGthRR5A+6MSuLCfdcQwqb6FYRZEdgXZzMa6Td0Pog/5TFqxygkRB0P3Yq4lfOnRKI6cC3+2g8uMsEmOJfzsVrsfi6GTAPrP+lIPpNe12ZquFzPGi9Z68Odj+aNDYChalBpuvJgxWR2EFuyj2MebKz6Zo/5V/w964aTTYjUt1pPHURLx3MKl7Ns1xF1lklQ1DAOQYNrVWxWJRs4TxipduEq4N02uh9XKWzXxLJuHsc1B9e1Dc+1sHs122POq7i/VYoln6LhO30o32lDHOGa56krde0N/+FY7034zB1pqL8VuDd2/8o8XZ+D/ez/1gBwQ2y1q6CRvvZmNyYBIC8an/Vgb++e5zgx6Cb43o9+PEFc8UEA8QljTgZ2m+kwjia1TSYeyYnKQOIqCKMkZa6IBIwMZ6AHIDSWk//IR/UMiq4QGfb5CJFPYOTKSGXEU9dFPYbx+pZmq/Fq7QgFCM/I7M6jKZPwn+T4/RGLEg1YNRwQS/oQI/uu5iF9sIbtWO5XTRQ8q2ld4s3tEFflYdmELHXrt1UuFaCi82iTJZAgFPeIx9mHPb0U+I7iutfEPogIE5b/2T+qJhIBgeIQUVsJuo+uLdriFm1c7YwBMBTJWC9R2mL+2x6quavpx7u0zgHrmbDxFx6+nBl0DEZxsY5h8AEDUVhyi2w+7aK9T/uh7Pz3/fH+AwXfWcA1cBueYYHX0Due6+3hRAHfOokXTbi27+YoS2AKuXDl2EibHedm5lb1Tg18V66dXtGsvpIn/OUWO2FphUGdtCMgZc51ahYTiN1m6Qqx+z1DFRM2BLw6HLxb1uT1OmDyucvCXIsMl4vNyyeIdJwstIbQrECxg1Fdow6jHrzKyJw/FKsYGSnyDRk++1jTt3J46wz16S45XaMSDG8RMH7AKKeAX/lfJ0d247ajB4U8Hei1h1kclX/DAYp7A0KyoCG7Qt9hZGsxhsloT2eYohHEKshPDs2WU48WtuHwgXydkTABvx3b1ixLp2CEuQiMyy3jZpvDD8WGaqWqbQgnH/yQw=="
	vaTime     = "Tue Feb 1 03:04:05 UTC 2000"
	vaSig      = "RrSiIBQazZkaxHQf34oRro1qjzfEvwdP6/Avltpd34E="
)

// vaNow is the time of vector A.
var vaNow = time.Date(2000, 2, 1, 3, 4, 5, 0, time.UTC)

// vaRand returns a reader whose 128 bytes are vector A's small a (0xabcdef0123456789),
// left-padded with zeros, so NewSRP reproduces the vector.
func vaRand() *bytes.Reader {
	return bytes.NewReader(smallARand(vaSmallA))
}

func smallARand(aHex string) []byte {
	a, _ := hex.DecodeString(aHex)
	buf := make([]byte, 128)
	copy(buf[128-len(a):], a)
	return buf
}

func TestPadHex(t *testing.T) {
	// Amplify's AuthenticationHelper.test.js padHex table (non-negative part), lower-cased.
	tests := []struct {
		name string
		in   int64
		want string
	}{
		{"zero", 0, "00"},
		{"one", 1, "01"},
		{"fifteen", 15, "0f"},
		{"sixteen", 16, "10"},
		{"127", 127, "7f"},
		{"128 top bit", 128, "0080"},
		{"255", 255, "00ff"},
		{"256", 256, "0100"},
		{"2048 odd length", 2048, "0800"},
		{"32767", 32767, "7fff"},
		{"32768", 32768, "008000"},
		{"0x123abcd", 0x123abcd, "0123abcd"},
		{"0x8123abcd", 0x8123abcd, "008123abcd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := padHex(big.NewInt(tt.in)); got != tt.want {
				t.Errorf("padHex(%d) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestGroupK(t *testing.T) {
	grp := newGroup()
	const wantHex = "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6"
	const wantDec = "37772559067617796309459009502931177628717927509759535181635788491848250400486"
	if got := grp.k.Text(16); got != wantHex {
		t.Errorf("k = %s; want %s", got, wantHex)
	}
	if got := grp.k.String(); got != wantDec {
		t.Errorf("k = %s; want %s (decimal)", got, wantDec)
	}
	if got := grp.n.BitLen(); got != 3072 {
		t.Errorf("N.BitLen() = %d; want 3072", got)
	}
}

func TestScramble(t *testing.T) {
	// alexrudd/cognito-srp Test_calculateU.
	a, _ := new(big.Int).SetString("6D797365637265746861736841", 16)
	b, _ := new(big.Int).SetString("6D797365637265746861736842", 16)
	want := "39743664823761398449876968619416475559594078623923024211668626611155104513539"
	if got := scramble(a, b).String(); got != want {
		t.Errorf("scramble(A, B) = %s; want %s", got, want)
	}
}

func TestTimestamp(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want string
	}{
		{"vector A, single-digit day", vaNow, "Tue Feb 1 03:04:05 UTC 2000"},
		{"vector B", time.Date(2018, 7, 10, 11, 1, 0, 0, time.UTC), "Tue Jul 10 11:01:00 UTC 2018"},
		{"after noon is 24-hour", time.Date(2024, 3, 5, 15, 4, 5, 0, time.UTC), "Tue Mar 5 15:04:05 UTC 2024"},
		{"midnight", time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC), "Tue Dec 31 00:00:00 UTC 2024"},
		{"23h", time.Date(2023, 1, 9, 23, 59, 59, 999, time.UTC), "Mon Jan 9 23:59:59 UTC 2023"},
		{"converted to UTC", time.Date(2000, 2, 1, 4, 4, 5, 0, time.FixedZone("CET", 3600)), "Tue Feb 1 03:04:05 UTC 2000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Timestamp(tt.in); got != tt.want {
				t.Errorf("Timestamp(%v) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSRPVectorA(t *testing.T) {
	s, err := NewSRP(vaPoolID, vaRand())
	if err != nil {
		t.Fatal(err)
	}
	if got := s.A(); got != vaLargeA {
		t.Fatalf("A() = %s…; want %s…", got[:32], vaLargeA[:32])
	}
	params := map[string]string{
		"SRP_B": vaLargeB, "SALT": vaSalt, "SECRET_BLOCK": vaBlock,
		"USER_ID_FOR_SRP": vaSub, "USERNAME": vaSub,
	}
	b, _ := new(big.Int).SetString(vaLargeB, 16)
	salt, _ := new(big.Int).SetString(vaSalt, 16)
	sec, err := s.derive(b, salt, vaSub, vaPassword)
	if err != nil {
		t.Fatal(err)
	}
	checkHex(t, "u", sec.u.Text(16), "6409c22179ad15067cad1c166367fe520c9ba85af8b8d9f4ea31d6dbc9928466")
	checkHex(t, "x", sec.x.Text(16), "9fbc5499b0ece2fe4d71b7d8d6d859c5fa9ab8c0425596e976a98ba63a0a68fb")
	checkHex(t, "K", hex.EncodeToString(sec.key), "454ac5510a92608da1f0abacc4f6ce2e")

	got, err := s.PasswordVerifier(params, vaPassword, vaNow)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"USERNAME":                    vaSub,
		"PASSWORD_CLAIM_SECRET_BLOCK": vaBlock,
		"PASSWORD_CLAIM_SIGNATURE":    vaSig,
		"TIMESTAMP":                   vaTime,
	}
	checkMap(t, got, want)
}

func TestSRPVectorB(t *testing.T) {
	// alexrudd/cognito-srp cognitosrp_test.go (PROTOCOL.md §4.6).
	s, err := newSRP("myPool", big.NewInt(1234567890))
	if err != nil {
		t.Fatal(err)
	}
	const aDec = "2012821450179237266067414751941060928019817287314017835667297413615441680042015648893619512074574801551816908048875039310556108650595869145768432324376774060555385775073708569121688902158895642383219736852216366144529156744028151458424436810791218362729260005923018973559621869173270335133101064964177433161771074465994401225946602823489327809869650103314918749719145076380535976325009253493972634191523079035525341598366462733532137597586069288340594563327421244726332307232609401008335819089778907622323610696065668900966210610871808610884224270017149857647788822043386341947275701612494162630191389615660619561655481399573723311377577792260581174997618956152489507325218699555095233121100546572188701563979417701865276739418278601329844176326814813849675127887644523181751359470351143169066091784103404544366711287145804238613966547260918328728126017769114261057445005776403447691297001659393612551419207658913838531096191"
	if got := s.bigA.String(); got != aDec {
		t.Errorf("A = %s…; want %s…", got[:20], aDec[:20])
	}
	if got := s.A(); !strings.HasPrefix(got, "58b1e37b7ea681503acceae288bc1b7c") {
		t.Errorf("A() = %s…; want 58b1e37b7ea681503acceae288bc1b7c…", got[:32])
	}
	v := big.NewInt(1234567890)
	sec, err := s.derive(v, v, "test", "test")
	if err != nil {
		t.Fatal(err)
	}
	checkHex(t, "u", sec.u.Text(16), "c98b195a479d1a7c70c99dd680f34f5805fe686d0bc716549ff2ed895aa9111")
	checkHex(t, "padHex(u)", padHex(sec.u), "0c98b195a479d1a7c70c99dd680f34f5805fe686d0bc716549ff2ed895aa9111")
	checkHex(t, "x", sec.x.Text(16), "190cd48a339804ad34ec1dcec62d92d70e86a45c80eb123c3f57bcd4b619fecf")
	checkHex(t, "padHex(S)", padHex(sec.s), "00cf724779a05d41df17a315d188ce565d0bc7a70e6bc4199ad3959a531c6b4ca4b9ac31f639b96391a2f8d28c7d47d9759fc7a23a59bfb95691147b212b050116cf53fa1a7876ef179003dea92b246bc9584240d3e5a294a158b12cc92642bbe5c7d854338233f54fd66f10384b3d3e740280017773feb1104696bfe6e0a82ec5ef2fc23fad663f5e945e8644c872d05f4ab7961436d0602c961d1619e91b70e451f0769e80b0d6ae80052ed47c3c89f4caae02ff01917f195b8cbea78f895da7145646e64b63605a7ffd85de351c06a5a5ffb6eee8b392b4d137726468361bbcf7b4055600002ae7c8c1dd5c545862f1c4c725c01da795afab3221d322104aecd4d1ab74d5e81eb45cbdb52081b1413a9e8b08e76b961c74cdbdac017d8d22a24860a674a0cd526e8ff8403caac07c0c720636efd83291ae60ff15cbd0a881f8030495cae0327040855defba70625c78cf27ea50bcaf0322cac01cf753c5a34269e4e329c9cd388aada7781cf1c552754a0d2d3ce5fe58198a31b7b0ddc515ad")
	checkHex(t, "K", hex.EncodeToString(sec.key), "d96cde6c95dda17175c1293140c5a81f")

	block := base64.StdEncoding.EncodeToString([]byte("secretssecrestssecrets"))
	got, err := s.PasswordVerifier(map[string]string{
		"USER_ID_FOR_SRP": "test", "SALT": "499602d2", "SRP_B": "499602d2", "SECRET_BLOCK": block,
	}, "test", time.Date(2018, 7, 10, 11, 1, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	checkMap(t, got, map[string]string{
		"USERNAME":                    "test",
		"PASSWORD_CLAIM_SECRET_BLOCK": block,
		"PASSWORD_CLAIM_SIGNATURE":    "tdvQu/Li/qWl8Nni0aFPs+MwY4rvKZm0kSMrGIMSUHk=",
		"TIMESTAMP":                   "Tue Jul 10 11:01:00 UTC 2018",
	})
}

func TestSRPRejects(t *testing.T) {
	good := map[string]string{"SRP_B": vaLargeB, "SALT": vaSalt, "SECRET_BLOCK": vaBlock, "USER_ID_FOR_SRP": vaSub}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for kk, vv := range good {
			m[kk] = vv
		}
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		params map[string]string
		want   error
	}{
		{"B is zero", with("SRP_B", "0"), ErrUnsafeSRP},
		{"B is N", with("SRP_B", nHex), ErrUnsafeSRP},
		{"B is 2N", with("SRP_B", new(big.Int).Lsh(newGroup().n, 1).Text(16)), ErrUnsafeSRP},
		{"B not hex", with("SRP_B", "xyz"), ErrMalformedChallenge},
		{"B negative", with("SRP_B", "-5"), ErrMalformedChallenge},
		{"no SALT", with("SALT", ""), ErrMalformedChallenge},
		{"SALT not hex", with("SALT", "salt!"), ErrMalformedChallenge},
		{"no SECRET_BLOCK", with("SECRET_BLOCK", ""), ErrMalformedChallenge},
		{"SECRET_BLOCK not base64", with("SECRET_BLOCK", "not base64 encoded"), ErrMalformedChallenge},
		{"no user id", with("USER_ID_FOR_SRP", ""), ErrMalformedChallenge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSRP(vaPoolID, vaRand())
			if err != nil {
				t.Fatal(err)
			}
			_, err = s.PasswordVerifier(tt.params, vaPassword, vaNow)
			if !errors.Is(err, tt.want) {
				t.Errorf("PasswordVerifier(%s) = %v; want %v", tt.name, err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), vaPassword) {
				t.Errorf("error %q leaks the password", err)
			}
		})
	}
}

func TestNewSRPErrors(t *testing.T) {
	if _, err := NewSRP("nounderscore", vaRand()); err == nil {
		t.Errorf("NewSRP(%q) = nil error; want an InvalidInputError", "nounderscore")
	}
	if _, err := NewSRP(vaPoolID, bytes.NewReader(make([]byte, 10))); err == nil {
		t.Errorf("NewSRP with a short reader = nil error; want a read error")
	}
	if _, err := newSRP("p", big.NewInt(0)); err != nil {
		t.Errorf("newSRP(a=0) = %v; want nil (A = 1 is not 0 mod N)", err)
	}
	// a = 0 from the reader gives A = 1; a random source that yields zeros is the caller's bug,
	// but it must not give A ≡ 0.
	s, err := NewSRP(vaPoolID, bytes.NewReader(make([]byte, 128)))
	if err != nil || s.A() != "1" {
		t.Errorf("NewSRP(zeros) = %v, %v; want A = 1", s, err)
	}
}

func TestSRPRandomRoundTrip(t *testing.T) {
	// With crypto/rand, A is below N and the PasswordVerifier answer is well formed.
	s, err := NewSRP(vaPoolID, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, ok := new(big.Int).SetString(s.A(), 16)
	if !ok || a.Cmp(newGroup().n) >= 0 || a.Sign() <= 0 {
		t.Fatalf("A() = %s…; want 0 < A < N", s.A()[:16])
	}
	got, err := s.PasswordVerifier(map[string]string{"SRP_B": vaLargeB, "SALT": vaSalt, "SECRET_BLOCK": vaBlock, "USER_ID_FOR_SRP": vaSub}, vaPassword, vaNow)
	if err != nil {
		t.Fatal(err)
	}
	if sig, err := base64.StdEncoding.DecodeString(got["PASSWORD_CLAIM_SIGNATURE"]); err != nil || len(sig) != 32 {
		t.Errorf("PASSWORD_CLAIM_SIGNATURE = %q; want 32 bytes of base64", got["PASSWORD_CLAIM_SIGNATURE"])
	}
}

func checkHex(t *testing.T, name, got, want string) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %s; want %s", name, got, want)
	}
}

func checkMap(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d keys; want %d (%v)", len(got), len(want), got)
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("%s = %q; want %q", k, got[k], w)
		}
	}
}

// FuzzPasswordVerifier feeds arbitrary challenge parameters to PasswordVerifier: it must
// either answer with the four fields (the secret block passed through unchanged, a 32-byte
// signature) or fail with one of the two documented sentinels.
func FuzzPasswordVerifier(f *testing.F) {
	f.Add(vaLargeB, vaSalt, vaBlock, vaSub)                                   // vector A
	f.Add("499602d2", "499602d2", "c2VjcmV0c3NlY3Jlc3Rzc2VjcmV0cw==", "test") // vector B
	f.Add("0", vaSalt, vaBlock, vaSub)                                        // B = 0
	f.Add(nHex, "00", "", "")                                                 // B = N, empty block
	f.Fuzz(func(t *testing.T, b, salt, block, user string) {
		s, err := newSRP("eYpv1mFHB", big.NewInt(0xabcdef))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.PasswordVerifier(map[string]string{"SRP_B": b, "SALT": salt, "SECRET_BLOCK": block, "USER_ID_FOR_SRP": user}, "pw", vaNow)
		if err != nil {
			if !errors.Is(err, ErrMalformedChallenge) && !errors.Is(err, ErrUnsafeSRP) {
				t.Fatalf("PasswordVerifier error %v is not a documented sentinel", err)
			}
			return
		}
		sig, derr := base64.StdEncoding.DecodeString(got["PASSWORD_CLAIM_SIGNATURE"])
		if derr != nil || len(sig) != 32 || got["PASSWORD_CLAIM_SECRET_BLOCK"] != block || got["USERNAME"] != user || got["TIMESTAMP"] != vaTime {
			t.Fatalf("PasswordVerifier = %v; want the four fields", got)
		}
	})
}

// BenchmarkSRPLogin measures the client's SRP work for one login: A = g^a, then the
// PASSWORD_VERIFIER answer (two more 3072-bit exponentiations).
func BenchmarkSRPLogin(b *testing.B) {
	params := map[string]string{"SRP_B": vaLargeB, "SALT": vaSalt, "SECRET_BLOCK": vaBlock, "USER_ID_FOR_SRP": vaSub}
	for i := 0; i < b.N; i++ {
		s, err := NewSRP(vaPoolID, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := s.PasswordVerifier(params, vaPassword, vaNow); err != nil {
			b.Fatal(err)
		}
	}
}
