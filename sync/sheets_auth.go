package sync

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"cloud.google.com/go/compute/metadata"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
)

// googleCredentials are the credentials a Sheets source found, and where.
type googleCredentials struct {
	tokens oauth2.TokenSource
	// email is the service account's address ("" for a person's gcloud
	// credentials): the "share the sheet with …" hint and the quota key.
	email string
	// from says where they were found, for the start-up log line.
	from string
}

// findCredentials looks for credentials in the documented order: the
// key given in the config (credentials, or CredentialsJSON in code), the
// file named by GOOGLE_APPLICATION_CREDENTIALS, gcloud's application
// default credentials file, and the metadata server of a Google Cloud VM
// (its attached service account). Errors never quote a key.
func findCredentials(ctx context.Context, cfg SheetsConfig, scopes []string) (*googleCredentials, error) {
	if cfg.CredentialsJSON != nil {
		return serviceAccountCredentials(ctx, cfg.CredentialsJSON, "credentials_json", "credentials_json", scopes)
	}
	if cfg.Credentials != "" {
		data, err := readKeyFile(cfg.Credentials, "credentials")
		if err != nil {
			return nil, err
		}
		return serviceAccountCredentials(ctx, data, cfg.Credentials, "credentials "+cfg.Credentials, scopes)
	}
	if path := os.Getenv("GOOGLE_APPLICATION_CREDENTIALS"); path != "" {
		data, err := readKeyFile(path, "GOOGLE_APPLICATION_CREDENTIALS")
		if err != nil {
			return nil, err
		}
		return defaultCredentialsFile(ctx, data, path, "GOOGLE_APPLICATION_CREDENTIALS "+path, scopes)
	}
	gcloud := gcloudCredentialsFile()
	if data, err := os.ReadFile(gcloud); err == nil {
		return defaultCredentialsFile(ctx, data, gcloud, "gcloud application default credentials "+gcloud, scopes)
	}
	return metadataCredentials(ctx, scopes, gcloud)
}

// readKeyFile reads a key file named by from ("credentials", an env var).
func readKeyFile(path, from string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("файл ключа сервисного аккаунта не читается (%s: %s): %v", from, path, errors.Unwrap(err))
	}
	return data, nil
}

// keyType reads the "type" of a credentials file.
func keyType(data []byte, name string) (string, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return "", fmt.Errorf("файл ключа %s — не JSON сервисного аккаунта; скачайте ключ заново (формат JSON)", name)
	}
	return head.Type, nil
}

// serviceAccountCredentials accepts only a service-account key: the sheet
// is shared with its client_email.
func serviceAccountCredentials(ctx context.Context, data []byte, name, from string, scopes []string) (*googleCredentials, error) {
	typ, err := keyType(data, name)
	if err != nil {
		return nil, err
	}
	if typ != string(google.ServiceAccount) {
		return nil, fmt.Errorf("файл ключа %s: тип %q, нужен ключ сервисного аккаунта (\"type\": \"service_account\")", name, typ)
	}
	creds, err := google.CredentialsFromJSONWithType(ctx, data, google.ServiceAccount, scopes...)
	if err == nil {
		err = checkPrivateKey(data)
	}
	if err != nil {
		return nil, fmt.Errorf("ключ сервисного аккаунта %s не подходит (повреждён или неполон); скачайте ключ заново", name)
	}
	return &googleCredentials{tokens: creds.TokenSource, email: emailOf(data), from: from}, nil
}

// defaultCredentialsFile accepts what application default credentials may
// hold: a service-account key or a person's credentials written by
// `gcloud auth application-default login` (authorized_user). Other types
// (workload identity federation, impersonation) can run commands or reach
// other services and are not needed here.
func defaultCredentialsFile(ctx context.Context, data []byte, name, from string, scopes []string) (*googleCredentials, error) {
	typ, err := keyType(data, name)
	if err != nil {
		return nil, err
	}
	if typ != string(google.AuthorizedUser) {
		return serviceAccountCredentials(ctx, data, name, from, scopes)
	}
	creds, err := google.CredentialsFromJSONWithType(ctx, data, google.AuthorizedUser, scopes...)
	if err != nil {
		return nil, fmt.Errorf("учётные данные gcloud %s не подходят (повреждены или неполны); выполните gcloud auth application-default login заново", name)
	}
	return &googleCredentials{tokens: creds.TokenSource, from: from}, nil
}

// gcloudCredentialsFile is where `gcloud auth application-default login`
// writes a person's credentials.
func gcloudCredentialsFile() string {
	dir := os.Getenv("CLOUDSDK_CONFIG")
	if dir == "" {
		home, _ := os.UserHomeDir()
		dir = filepath.Join(home, ".config", "gcloud")
	}
	return filepath.Join(dir, "application_default_credentials.json")
}

// metadataTimeout bounds each request to the metadata server (it is on
// the VM itself and answers in milliseconds; off Google Cloud the first
// probe fails fast).
const metadataTimeout = 5 * time.Second

// metadataCredentials uses the service account attached to the Google
// Cloud VM perechen runs on, through the metadata server
// (GCE_METADATA_HOST overrides its address).
func metadataCredentials(ctx context.Context, scopes []string, gcloud string) (*googleCredentials, error) {
	mc := metadata.NewClient(&http.Client{Timeout: metadataTimeout})
	probe, cancel := context.WithTimeout(ctx, metadataTimeout)
	defer cancel()
	if !mc.OnGCEWithContext(probe) {
		return nil, fmt.Errorf("нет учётных данных Google: в настройках нет credentials, переменная GOOGLE_APPLICATION_CREDENTIALS не задана, "+
			"файла gcloud %s нет, и это не виртуальная машина Google Cloud с сервисным аккаунтом. "+
			"Укажите credentials — путь к файлу ключа сервисного аккаунта; см. docs/google-sheets.md", gcloud)
	}
	email, err := mc.EmailWithContext(probe, "default")
	if err != nil {
		return nil, fmt.Errorf("нет учётных данных Google: сервер метаданных Google Cloud не назвал сервисный аккаунт виртуальной машины (%s). "+
			"Подключите к ВМ сервисный аккаунт или укажите credentials — путь к файлу ключа; см. docs/google-sheets.md", metadataReason(err))
	}
	return &googleCredentials{tokens: &metadataTokens{client: mc, scopes: scopes}, email: strings.TrimSpace(email),
		from: "metadata server (the VM's attached service account)"}, nil
}

// metadataReason describes a metadata-server failure briefly.
func metadataReason(err error) string {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err.Error()
	}
	return err.Error()
}

// metadataTokens fetches access tokens for the VM's service account. Its
// scopes are the VM's access scopes; the scopes asked for are sent along
// as the metadata server accepts them.
type metadataTokens struct {
	client *metadata.Client
	scopes []string
}

func (m *metadataTokens) Token() (*oauth2.Token, error) {
	ctx, cancel := context.WithTimeout(context.Background(), metadataTimeout)
	defer cancel()
	path := "instance/service-accounts/default/token?" + url.Values{"scopes": {strings.Join(m.scopes, ",")}}.Encode()
	body, err := m.client.GetWithContext(ctx, path)
	if err != nil {
		return nil, fmt.Errorf("сервер метаданных не выдал токен доступа: %s", metadataReason(err))
	}
	var res struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		TokenType   string `json:"token_type"`
	}
	if err := json.Unmarshal([]byte(body), &res); err != nil || res.AccessToken == "" || res.ExpiresIn <= 0 {
		return nil, errors.New("сервер метаданных выдал неполный токен доступа")
	}
	return &oauth2.Token{AccessToken: res.AccessToken, TokenType: res.TokenType,
		Expiry: time.Now().Add(time.Duration(res.ExpiresIn) * time.Second)}, nil
}

// checkPrivateKey parses the key now, so a broken file fails at start-up
// rather than at the first token request.
func checkPrivateKey(data []byte) error {
	var key struct {
		PrivateKey string `json:"private_key"`
	}
	if err := json.Unmarshal(data, &key); err != nil {
		return err
	}
	block, _ := pem.Decode([]byte(key.PrivateKey))
	if block == nil {
		return errors.New("no PEM block")
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
		return nil
	}
	_, err := x509.ParsePKCS1PrivateKey(block.Bytes)
	return err
}

func emailOf(data []byte) string {
	var head struct {
		ClientEmail string `json:"client_email"`
	}
	_ = json.Unmarshal(data, &head)
	return head.ClientEmail
}
