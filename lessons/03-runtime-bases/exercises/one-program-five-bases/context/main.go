// Command baseinfo looks around the image it runs in and reports what the base gave it: a shell,
// a package manager, a C library, CA certificates, users. The same binary on five bases prints
// five different reports, which is the whole point of the exercise.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strings"
)

func main() {
	fmt.Println("baseinfo: what this image gives the program")
	row("shell", shell())
	row("package manager", packageManager())
	row("C library", cLibrary())
	row("CA certificates", caCertificates())
	row("users", users())
	row("running as", runningAs())
	row("this binary", binarySize())
}

func row(label, value string) {
	fmt.Printf("  %-16s %s\n", label, value)
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func shell() string {
	if !exists("/bin/sh") {
		return "none (no /bin/sh)"
	}
	// On busybox and on Debian, /bin/sh is a link to the real shell; say which one.
	if target, err := filepath.EvalSymlinks("/bin/sh"); err == nil && target != "/bin/sh" {
		return "/bin/sh -> " + target
	}
	return "/bin/sh"
}

func packageManager() string {
	for _, path := range []string{"/usr/bin/apt-get", "/sbin/apk", "/usr/bin/apk", "/usr/bin/dnf", "/usr/bin/microdnf", "/usr/bin/yum"} {
		if exists(path) {
			return path
		}
	}
	return "none"
}

func cLibrary() string {
	patterns := []struct{ glob, name string }{
		{"/lib/*/libc.so.6", "glibc"},
		{"/usr/lib/*/libc.so.6", "glibc"},
		{"/lib64/libc.so.6", "glibc"},
		{"/lib/ld-musl-*.so.1", "musl"},
	}
	for _, p := range patterns {
		if found, _ := filepath.Glob(p.glob); len(found) > 0 {
			return p.name + " (" + found[0] + ")"
		}
	}
	return "none"
}

func caCertificates() string {
	for _, path := range []string{"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"} {
		data, err := os.ReadFile(path)
		if err == nil {
			n := strings.Count(string(data), "BEGIN CERTIFICATE")
			return fmt.Sprintf("%d in %s", n, path)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			// There, but not for this user: as bad as missing for an HTTPS client.
			return fmt.Sprintf("unreadable: %v", err)
		}
	}
	return "none: HTTPS calls would fail with \"certificate signed by unknown authority\""
}

func users() string {
	data, err := os.ReadFile("/etc/passwd")
	if err != nil {
		return "no /etc/passwd: only numeric USER values work"
	}
	var names []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if name, _, ok := strings.Cut(line, ":"); ok && name != "" {
			names = append(names, name)
		}
	}
	if len(names) > 6 {
		return fmt.Sprintf("%d in /etc/passwd (%s, …)", len(names), strings.Join(names[:6], ", "))
	}
	return fmt.Sprintf("%d in /etc/passwd (%s)", len(names), strings.Join(names, ", "))
}

func runningAs() string {
	uid := os.Getuid()
	// os/user reads /etc/passwd itself in a static build; with cgo it asks the C library instead.
	if u, err := user.LookupId(fmt.Sprint(uid)); err == nil {
		return fmt.Sprintf("uid %d (%s)", uid, u.Username)
	}
	return fmt.Sprintf("uid %d (no name for it in /etc/passwd)", uid)
}

func binarySize() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	info, err := os.Stat(exe)
	if err != nil {
		return exe
	}
	return fmt.Sprintf("%s, %.1f MiB", exe, float64(info.Size())/(1<<20))
}
