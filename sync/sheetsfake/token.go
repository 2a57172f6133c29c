package sheetsfake

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ClientEmail is the service account the fake's credentials belong to.
const ClientEmail = "x@proj.iam.gserviceaccount.com"

// jwtBearer is the grant type of the service-account flow (RFC 7523).
const jwtBearer = "urn:ietf:params:oauth:grant-type:jwt-bearer"

// CredentialsJSON is a service-account key file whose token_uri points at
// the fake, so the real JWT flow of golang.org/x/oauth2 runs against it.
func (f *Fake) CredentialsJSON() []byte {
	der, err := x509.MarshalPKCS8PrivateKey(f.key)
	if err != nil {
		panic(err) // an RSA key we generated always marshals
	}
	keyPEM := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	data, _ := json.MarshalIndent(map[string]string{
		"type":                        "service_account",
		"project_id":                  "proj",
		"private_key_id":              f.keyID,
		"private_key":                 string(keyPEM),
		"client_email":                ClientEmail,
		"client_id":                   "100000000000000000001",
		"auth_uri":                    f.URL + "o/oauth2/auth",
		"token_uri":                   f.TokenURL(),
		"auth_provider_x509_cert_url": f.URL + "oauth2/v1/certs",
	}, "", "  ")
	return data
}

// TokenURL is the fake's OAuth token endpoint.
func (f *Fake) TokenURL() string { return f.URL + "token" }

// PrivateKeyPEMLine is a line of the private key, for tests asserting that
// credentials never leak into errors or logs.
func (f *Fake) PrivateKeyPEMLine() string {
	der, _ := x509.MarshalPKCS8PrivateKey(f.key)
	return base64.StdEncoding.EncodeToString(der)[64:128]
}

// handleToken serves the token endpoint: it accepts only a JWT-bearer grant
// whose assertion is signed by the credentials' key, addressed to this
// endpoint and asking for a scope.
func (f *Fake) handleToken(w http.ResponseWriter, r *http.Request) {
	n := f.count("token")
	f.runHook("token", n)
	f.mu.Lock()
	code := 0
	if len(f.tokenFaults) > 0 {
		code, f.tokenFaults = f.tokenFaults[0], f.tokenFaults[1:]
	}
	f.mu.Unlock()
	if code != 0 {
		writeTokenError(w, code, "backend_error", "injected fault")
		return
	}
	if r.Method != http.MethodPost {
		writeTokenError(w, http.StatusMethodNotAllowed, "invalid_request", "POST only")
		return
	}
	if err := r.ParseForm(); err != nil {
		writeTokenError(w, http.StatusBadRequest, "invalid_request", "unreadable form")
		return
	}
	var scope string
	switch r.PostForm.Get("grant_type") {
	case jwtBearer:
		claims, err := f.verifyAssertion(r.PostForm.Get("assertion"))
		if err != nil {
			writeTokenError(w, http.StatusBadRequest, "invalid_grant", err.Error())
			return
		}
		scope = claims.Scope
	case "refresh_token": // a person's credentials (gcloud auth application-default login)
		if r.PostForm.Get("refresh_token") != userRefreshToken || r.PostForm.Get("client_id") != userClientID {
			writeTokenError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
			return
		}
		if scope = r.PostForm.Get("scope"); scope == "" {
			scope = userScopes // what the person consented to at login
		}
	default:
		writeTokenError(w, http.StatusBadRequest, "unsupported_grant_type", "want "+jwtBearer+" or refresh_token")
		return
	}
	writeAccessToken(w, f.issueToken(scope))
}

// issueToken makes an access token for scope and remembers it.
func (f *Fake) issueToken(scope string) string {
	buf := make([]byte, 16)
	_, _ = rand.Read(buf)
	tok := "ya29.fake-" + hex.EncodeToString(buf)
	f.mu.Lock()
	f.tokens[tok] = scope
	f.scopes = append(f.scopes, scope)
	f.mu.Unlock()
	return tok
}

func writeAccessToken(w http.ResponseWriter, tok string) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
}

// The authorized_user credentials UserCredentialsJSON hands out, as after
// gcloud auth application-default login --scopes=…cloud-platform,…spreadsheets.
const (
	userClientID     = "fake-client.apps.googleusercontent.com"
	userRefreshToken = "1//fake-refresh-token"
	userScopes       = "https://www.googleapis.com/auth/cloud-platform https://www.googleapis.com/auth/spreadsheets"
)

// UserCredentialsJSON is an "authorized_user" file as `gcloud auth
// application-default login` writes it, with token_uri pointing at the
// fake (the refresh-token grant runs against it).
func (f *Fake) UserCredentialsJSON() []byte {
	data, _ := json.MarshalIndent(map[string]string{
		"type":          "authorized_user",
		"client_id":     userClientID,
		"client_secret": "fake-client-secret",
		"refresh_token": userRefreshToken,
		"token_uri":     f.TokenURL(),
	}, "", "  ")
	return data
}

type jwtClaims struct {
	Iss   string `json:"iss"`
	Scope string `json:"scope"`
	Aud   string `json:"aud"`
	Exp   int64  `json:"exp"`
	Iat   int64  `json:"iat"`
}

// verifyAssertion checks an RS256 JWT against the fake's public key.
func (f *Fake) verifyAssertion(assertion string) (jwtClaims, error) {
	var c jwtClaims
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 {
		return c, errors.New("assertion is not a JWT")
	}
	var head struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodeSegment(parts[0], &head); err != nil || head.Alg != "RS256" {
		return c, fmt.Errorf("bad JWT header (alg %q)", head.Alg)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return c, errors.New("bad JWT signature encoding")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(&f.key.PublicKey, crypto.SHA256, sum[:], sig); err != nil {
		return c, errors.New("JWT not signed by the service account key")
	}
	if err := decodeSegment(parts[1], &c); err != nil {
		return c, errors.New("bad JWT claims")
	}
	now := time.Now().Unix()
	switch {
	case c.Iss != ClientEmail:
		return c, fmt.Errorf("unknown issuer %q", c.Iss)
	case c.Aud != f.TokenURL():
		return c, fmt.Errorf("audience %q is not this token endpoint", c.Aud)
	case c.Exp < now || c.Iat > now+300 || c.Exp-c.Iat > 3600:
		return c, errors.New("JWT expired or not yet valid")
	case c.Scope == "":
		return c, errors.New("no scope requested")
	}
	return c, nil
}

func decodeSegment(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

func writeTokenError(w http.ResponseWriter, code int, kind, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": kind, "error_description": desc})
}

// Scopes lists the scope claim of every token issued so far.
func (f *Fake) Scopes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.scopes...)
}
