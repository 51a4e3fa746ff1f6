package sysfilter

import "testing"

func TestPrograms(t *testing.T) {
	for name, f := range map[string]func() ([]byte, error){"agent": Agent, "exec": Exec} {
		prog, err := f()
		if err != nil {
			t.Fatal(err)
		}
		if n := len(prog) / 8; len(prog)%8 != 0 || n < 50 || n > 4096 {
			t.Fatalf("%s: %d bytes", name, len(prog))
		}
	}
	a, _ := Agent()
	e, _ := Exec()
	if string(a) == string(e) {
		t.Fatal("the exec helper's filter does not differ from the agent's (setns allowed)")
	}
}
