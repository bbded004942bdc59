package jwtinspect

import (
	"encoding/json"
	"math"
	"time"
)

// IsTimeClaim reports whether the claim is a NumericDate by its definition: exp, nbf and iat
// (RFC 7519 §4.1) and auth_time (OpenID Connect Core §2).
func IsTimeClaim(name string) bool {
	return name == "exp" || name == "nbf" || name == "iat" || name == "auth_time"
}

// ClaimTime reads a claim's value, decoded with json.Decoder.UseNumber as [Token.RawClaims]
// holds it, as seconds since the epoch: ok is false for anything that is not a number of a
// plausible date (negative, NaN, or past the year 5138).
func ClaimTime(v any) (t time.Time, ok bool) {
	n, isNumber := v.(json.Number)
	if !isNumber {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || f < 0 || f > 1e11 {
		return time.Time{}, false
	}
	sec, frac := math.Modf(f)
	return time.Unix(int64(sec), int64(frac*1e9)).UTC(), true
}

// Relative says when t is against now in the words of the claim it comes from: "expires in
// 52m", "expired 3h10m ago", "not valid for another 5m30s", "issued 8m ago", and "in 2h" or
// "10m ago" for any other claim. Durations are [HumanDuration]'s.
func Relative(claim string, t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	span := HumanDuration(d)
	if d > -time.Second && d < time.Second {
		switch claim {
		case "exp":
			return "expires now"
		case "nbf":
			return "valid from now"
		case "iat":
			return "issued just now"
		}
		return "now"
	}
	switch claim {
	case "exp":
		if future {
			return "expires in " + span
		}
		return "expired " + span + " ago"
	case "nbf":
		if future {
			return "not valid for another " + span
		}
		return "valid since " + span + " ago"
	case "iat":
		if future {
			return "issued " + span + " in the future"
		}
		return "issued " + span + " ago"
	}
	if future {
		return "in " + span
	}
	return span + " ago"
}
