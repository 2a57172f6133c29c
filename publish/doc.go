// Package publish delivers rendered files to a website: a local folder,
// WebDAV, SFTP or a user command. Every target writes atomically so readers
// never see a partial file.
package publish
