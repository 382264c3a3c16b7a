package domain_test

import (
	"fmt"
	"log"

	"github.com/dcar-archiver/dcar/model/domain"
)

// Load a domain model (dcar train writes them) and see what it replaces:
// its fingerprint names it in archives; its text fingerprint is what the
// cm-text entries it codes carry.
func ExampleLoad() {
	m, err := domain.Load("testdata/tiny.dcm")
	if err != nil {
		log.Fatal(err)
	}
	_, text := m.TextConfig()
	fmt.Printf("%s: %q, replaces the text model: %v\n", m, m.Info, text)
	// Output: domain model 045e2fd5a1b9f8a5: "tiny test model", replaces the text model: true
}
