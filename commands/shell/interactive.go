package shell

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"github.com/peterh/liner"
	"golang.org/x/sys/unix"
)

const (
	prompt     = "ovs> "
	contPrompt = "> "
)

// historyPath is where the history lives: $OVS_SHELL_HISTORY, else
// ~/.ovs_history; "" when neither can be known.
func historyPath() string {
	if p := os.Getenv("OVS_SHELL_HISTORY"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".ovs_history")
}

// interactive runs the shell on the terminal with line editing.
func interactive(tools []Tool, opts Options) int {
	sh := newShell(os.Stdout, os.Stderr, tools, opts)
	defer sh.close()

	// The mode the terminal had before liner, for the commands: liner
	// keeps echo off between prompts, which a tool reading the terminal
	// must not inherit.
	fd := int(os.Stdin.Fd())
	cooked, cookedErr := unix.IoctlGetTermios(fd, unix.TCGETS)
	ln := liner.NewLiner()
	defer ln.Close()
	// Between commands, the editing mode with ISIG off too: liner prints
	// the prompt before it turns ISIG off, and a Ctrl-C typed as soon as
	// the prompt shows would otherwise be a signal that also flushes the
	// line typed before it.
	edit, editErr := unix.IoctlGetTermios(fd, unix.TCGETS)
	if editErr == nil {
		edit.Lflag &^= unix.ISIG
		unix.IoctlSetTermios(fd, unix.TCSETS, edit)
	}
	ln.SetCtrlCAborts(true)
	ln.SetTabCompletionStyle(liner.TabPrints)
	ln.SetWordCompleter(sh.vocab.complete)

	hist := historyPath()
	if hist != "" {
		if f, err := os.Open(hist); err == nil {
			ln.ReadHistory(f)
			f.Close()
		}
	}

	// Between prompts the terminal is in cooked mode, so Ctrl-C sends
	// SIGINT; the shell takes it and passes it on to the running command.
	sh.interrupts = make(chan os.Signal, 1)
	signal.Notify(sh.interrupts, os.Interrupt)
	defer signal.Stop(sh.interrupts)

	for !sh.exiting {
		text, err := readCommand(ln)
		switch {
		case errors.Is(err, liner.ErrPromptAborted):
			continue
		case err == io.EOF:
			fmt.Println()
			return sh.status
		case err != nil:
			fmt.Fprintf(os.Stderr, "%s: %v\n", program, err)
			return 1
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		entry := strings.ReplaceAll(strings.ReplaceAll(text, "\\\n", ""), "\n", " ")
		ln.AppendHistory(entry)
		if hist != "" {
			if err := saveHistory(ln, hist); err != nil {
				fmt.Fprintf(os.Stderr, "%s: saving history to %s: %v\n", program, hist, err)
				hist = ""
			}
		}
		if cookedErr == nil {
			unix.IoctlSetTermios(fd, unix.TCSETS, cooked)
		}
		sh.execLine(text, true)
		if editErr == nil {
			unix.IoctlSetTermios(fd, unix.TCSETS, edit)
		}
	}
	return sh.status
}

// readCommand reads one command, over several lines if it ends inside
// quotes or with a backslash.
func readCommand(ln *liner.State) (string, error) {
	text, err := ln.Prompt(prompt)
	for err == nil {
		if _, serr := splitWords(text); serr != errIncomplete {
			break
		}
		var more string
		more, err = ln.Prompt(contPrompt)
		text += "\n" + more
	}
	return text, err
}

// saveHistory writes the whole history (liner keeps the last 1000 lines)
// to a new file renamed over the old one, so a crash never leaves it cut.
func saveHistory(ln *liner.State, path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".ovs_history.*")
	if err != nil {
		return err
	}
	_, err = ln.WriteHistory(f)
	if err == nil {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}
