package ctl

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/govs/ovs/internal/hugetext"
	"github.com/govs/ovs/internal/paths"
	"github.com/govs/ovs/internal/version"
)

func runDir() string        { return paths.RunDir() }
func logDir() string        { return paths.LogDir() }
func defaultSchema() string { return paths.PkgDataDir() + "/vswitch.ovsschema" }

// managerRemote is the remote ovsdb-server takes its managers from, added
// once the database is initialised.
const managerRemote = "db:Open_vSwitch,Open_vSwitch,manager_options"

// start is the "start" command: the database server, then the switch, then
// the managers.
func (c *ctl) start() error {
	c.layOutText()
	if err := c.startOvsdb(); err != nil {
		return err
	}
	if err := c.startForwarding(); err != nil {
		return err
	}
	return c.addManagers()
}

// layOutText re-reads the binary into the page cache in 2 MB pages when
// this start of it found them small (after a reboot or memory pressure; see
// internal/hugetext), before the daemons start from it: ovs-vswitchd's
// --mlockall then keeps those pages resident, and every tool started while
// it runs (ovs-vsctl from scripts, above all) maps its code with a few huge
// pages. Best effort and silent, as it changes nothing but speed: a binary
// linked without 2 MB alignment, a read-only directory or a kernel without
// huge page cache folios keep the small pages.
func (c *ctl) layOutText() {
	huge, aligned, err := hugetext.Self()
	if err != nil || huge > 0 || !aligned {
		return
	}
	hugetext.Relayout(c.exe)
}

func (c *ctl) startOvsdb() error {
	if c.set.yes("OVSDB_SERVER") {
		return c.doStartOvsdb()
	}
	return nil
}

func (c *ctl) doStartOvsdb() error {
	c.checkCoreConfig()
	if daemonIsRunning("ovsdb-server") {
		c.r.success("ovsdb-server is already running")
		return nil
	}
	if err := c.upgradeDB(); err != nil {
		return err
	}

	args := []string{"ovsdb-server", c.set["DB_FILE"]}
	for _, db := range strings.Fields(c.set["EXTRA_DBS"]) {
		if !strings.HasPrefix(db, "/") {
			db = paths.DBDir() + "/" + db
		}
		if fi, err := os.Stat(db); err != nil || !fi.Mode().IsRegular() {
			c.r.warning(db + " (from $EXTRA_DBS) does not exist.")
		} else if _, err := c.output("ovsdb-tool", "db-version", db); err == nil {
			args = append(args, db)
		} else {
			c.r.warning(db + " (from $EXTRA_DBS) cannot be read as a database (see error message above)")
		}
	}
	if c.set["SELF_CONFINEMENT"] == "no" {
		args = append(args, "--no-self-confinement")
	}
	args = append(args, "-vconsole:emer", "-vsyslog:err", "-vfile:info",
		"--remote=punix:"+c.set["DB_SOCK"],
		"--private-key=db:Open_vSwitch,SSL,private_key",
		"--certificate=db:Open_vSwitch,SSL,certificate",
		"--bootstrap-ca-cert=db:Open_vSwitch,SSL,ca_cert")
	if u := c.set["OVS_USER"]; u != "" {
		args = append(args, "--user", u)
	}
	args = append(args, strings.Fields(c.set["OVSDB_SERVER_OPTIONS"])...)
	if err := c.startDaemon(c.set["OVSDB_SERVER_PRIORITY"], args); err != nil {
		return err
	}

	if err := c.vsctl("--", "init", "--", "set", "Open_vSwitch", ".", "db-version="+c.schemaver); err != nil {
		return err
	}
	if err := c.setSystemIDs(); err != nil {
		return err
	}
	if c.set.yes("DELETE_BRIDGES") {
		if out, err := c.vsctlOutput("list-br"); err == nil {
			for _, br := range strings.Fields(out) {
				c.vsctl("del-br", br)
			}
		}
	}
	if c.set.yes("DELETE_TRANSIENT_PORTS") {
		c.deleteTransientPorts()
	}
	return nil
}

// upgradeDB creates the database if it is missing, or converts it when its
// schema differs from ours (after backing it up and compacting it).
func (c *ctl) upgradeDB() error {
	dbFile := c.set["DB_FILE"]
	schema := c.schemaArgs()
	c.schemaver, _ = c.ovsdbTool(true, append([]string{"schema-version"}, schema...)...)
	if _, err := os.Stat(dbFile); err != nil {
		c.r.warning(dbFile + " does not exist")
		c.installDir(filepath.Dir(dbFile), 0o755)
		return c.createDB(dbFile, schema)
	}
	needs, _ := c.ovsdbTool(true, append([]string{"needs-conversion", dbFile}, schema...)...)
	if needs != "yes" {
		return nil
	}
	if err := c.backupDB(dbFile); err != nil {
		return err
	}
	// Compacting first matters when the old schema had no root tables:
	// replaying its history into a garbage-collected schema could drop a
	// row before the transaction that first refers to it. A failure is not
	// fatal (an older ovsdb-tool may not read a newer database).
	_, err := c.ovsdbTool(false, "compact", dbFile)
	c.r.action("Compacting database", err)
	_, err = c.ovsdbTool(false, append([]string{"convert", dbFile}, schema...)...)
	if c.r.action("Converting database schema", err) == nil {
		return nil
	}
	c.r.warning("Schema conversion failed, using empty database instead")
	os.Remove(dbFile)
	return c.createDB(dbFile, schema)
}

func (c *ctl) createDB(dbFile string, schema []string) error {
	_, err := c.ovsdbTool(false, append([]string{"create", dbFile}, schema...)...)
	return c.r.action("Creating empty database "+dbFile, err)
}

// backupDB copies the database to DB.backupVERSION-CKSUM before it is
// converted.
func (c *ctl) backupDB(dbFile string) error {
	version, _ := c.ovsdbTool(true, "db-version", dbFile)
	cksum, _ := c.ovsdbTool(true, "db-cksum", dbFile)
	if f := strings.Fields(cksum); len(f) > 0 {
		cksum = f[0]
	}
	backup := dbFile + ".backup" + version + "-" + cksum
	return c.r.action("Backing up database to "+backup, c.copyFile(dbFile, backup))
}

func (c *ctl) copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		fmt.Fprintf(c.stderr, "cp: cannot stat '%s': %s\n", from, strerror(err))
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	dst, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, fi.Mode().Perm())
	if err != nil {
		fmt.Fprintf(c.stderr, "cp: cannot create regular file '%s': %s\n", to, strerror(err))
		return err
	}
	_, err = io.Copy(dst, src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "cp: error writing '%s': %s\n", to, strerror(err))
	}
	return err
}

// setSystemIDs records our version, the system ID, the rundir and the
// system type and version in the Open_vSwitch record.
func (c *ctl) setSystemIDs() error {
	args := []string{"set", "Open_vSwitch", ".", "ovs-version=" + version.Version}

	id := c.set["SYSTEM_ID"]
	switch id {
	case "random":
		id = c.persistentSystemID()
	case "":
		c.r.failure("system ID not configured, please use --system-id")
	}
	args = append(args, "external-ids:system-id="+quoteValue(id))
	args = append(args, "external-ids:rundir="+quoteValue(runDir()))

	if t := c.set["SYSTEM_TYPE"]; t != "" {
		args = append(args, "system-type="+quoteValue(t))
	} else {
		c.r.failure("no default system type, please use --system-type")
	}
	if v := c.set["SYSTEM_VERSION"]; v != "" {
		args = append(args, "system-version="+quoteValue(v))
	} else {
		c.r.failure("no default system version, please use --system-version")
	}
	args = append(args, c.extraIDs...)
	return c.r.action("Configuring Open vSwitch system IDs", c.vsctl(args...))
}

// persistentSystemID is --system-id=random: the ID kept in system-id.conf,
// else the one of an older installation's install_uuid.conf, else a new
// random UUID; the latter two are saved in system-id.conf.
func (c *ctl) persistentSystemID() string {
	idFile := etcDir() + "/system-id.conf"
	if _, err := os.Stat(idFile); err == nil {
		return readTrimmed(idFile)
	}
	var id string
	if text, err := os.ReadFile(etcDir() + "/install_uuid.conf"); err == nil {
		id = parseShellAssignments(string(text))["INSTALLATION_UUID"]
	} else {
		id = newUUID()
	}
	f, err := os.OpenFile(idFile, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot create %s: %s\n", c.program, idFile, strerror(err))
		return id
	}
	uid, gid := c.ownerIDs()
	f.Chown(uid, gid)
	if _, err = io.WriteString(f, id+"\n"); err == nil {
		err = f.Close()
	} else {
		f.Close()
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "%s: cannot write %s: %s\n", c.program, idFile, strerror(err))
	}
	return id
}

// newUUID is a random (version 4) UUID in uuidgen's lower-case form.
func newUUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (c *ctl) startForwarding() error {
	if c.set.yes("OVS_VSWITCHD") {
		if err := c.doStartForwarding(); err != nil {
			return err
		}
	}
	if c.set.yes("RECORD_HOSTNAME") {
		c.setHostname()
	}
	return nil
}

func (c *ctl) doStartForwarding() error {
	c.checkCoreConfig()
	if daemonIsRunning("ovs-vswitchd") {
		c.r.success("ovs-vswitchd is already running")
		return nil
	}
	c.raiseFileLimit()
	args := []string{"ovs-vswitchd", "unix:" + c.set["DB_SOCK"], "-vconsole:emer", "-vsyslog:err", "-vfile:info"}
	if c.set["MLOCKALL"] != "no" {
		args = append(args, "--mlockall")
	}
	if c.set["SELF_CONFINEMENT"] == "no" {
		args = append(args, "--no-self-confinement")
	}
	if u := c.set["OVS_USER"]; u != "" {
		args = append(args, "--user", u)
	}
	args = append(args, strings.Fields(c.set["OVS_VSWITCHD_OPTIONS"])...)
	if err := c.needTool("ovs-vswitchd"); err != nil {
		return c.r.action("Starting ovs-vswitchd", err)
	}
	return c.startDaemon(c.set["OVS_VSWITCHD_PRIORITY"], args)
}

// hostnameTimeout bounds the hostname lookup and its database update,
// which the script runs in the background because "hostname -f" may wait
// for the network.
const hostnameTimeout = 10 * time.Second

// setHostname records the host's name as external-ids:hostname unless it
// is already set: the fully qualified name ("hostname -f") by default, the
// kernel's node name with --no-full-hostname or when that fails.
func (c *ctl) setHostname() error {
	ctx, cancel := context.WithTimeout(context.Background(), hostnameTimeout)
	defer cancel()
	var hn string
	if c.set["FULL_HOSTNAME"] == "yes" {
		if out, err := exec.CommandContext(ctx, "hostname", "-f").Output(); err == nil {
			hn = strings.TrimRight(string(out), "\n")
		}
	}
	if hn == "" {
		hn, _ = os.Hostname()
	}
	cmd := c.command(ctx, "ovs-vsctl", append(c.vsctlPrefix(),
		"add", "Open_vSwitch", ".", "external-ids", "hostname="+quoteValue(hn))...)
	return cmd.Run()
}

// quoteValue quotes s as an OVSDB string for ovs-vsctl, so that names with
// characters special to its syntax are taken literally.
func quoteValue(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// addManagers makes ovsdb-server connect to the managers in the database,
// now that the database has been initialised.
func (c *ctl) addManagers() error {
	if !c.set.yes("OVSDB_SERVER") && !c.set.yes("OVS_VSWITCHD") {
		return nil
	}
	if !daemonIsRunning("ovsdb-server") {
		return nil
	}
	return c.r.action("Enabling remote OVSDB managers",
		c.run("ovs-appctl", "-t", "ovsdb-server", "ovsdb-server/add-remote", managerRemote))
}

// deleteTransientPorts deletes the ports marked other_config:transient=true,
// which are not meant to survive a restart.
func (c *ctl) deleteTransientPorts() error {
	out, err := c.output("ovs-vsctl", "--db=unix:"+c.set["DB_SOCK"], "--bare", "--", "--columns=name",
		"find", "port", "other_config:transient=true")
	if err != nil {
		return err
	}
	for _, port := range strings.Fields(out) {
		c.vsctl("--", "del-port", port)
	}
	return nil
}

// restart restarts the database server, then the switch, preserving the
// OpenFlow flows across the switch's restart when both were running.
func (c *ctl) restart() error {
	var flows string
	if daemonIsRunning("ovsdb-server") && daemonIsRunning("ovs-vswitchd") {
		dir, err := os.MkdirTemp("", "ovs-ctl.")
		if err == nil {
			defer os.RemoveAll(dir)
			if c.set.yes("OVS_VSWITCHD") && !c.set.yes("DELETE_BRIDGES") {
				flows = dir + "/flows.sh"
				c.r.action("Saving flows", c.saveFlows(flows))
			}
		}
	}

	c.stopOvsdb()
	if err := c.startOvsdb(); err != nil {
		return err
	}
	c.stopForwarding()

	// ovs-vswitchd waits for the flows to be restored before it sets up
	// the datapath, so that forwarding resumes with the old flows.
	if c.set["OVS_VSWITCHD"] == "yes" {
		c.vsctl("set", "open_vswitch", ".", `other_config:flow-restore-wait="true"`)
	}
	if err := c.startForwarding(); err != nil {
		return err
	}
	if flows != "" {
		if fi, err := os.Stat(flows); err == nil && fi.Mode()&0o111 != 0 {
			c.r.action("Restoring saved flows", c.runScript(flows))
		}
	}
	if c.set["OVS_VSWITCHD"] == "yes" {
		c.vsctl("--if-exists", "remove", "open_vswitch", ".", "other_config", `flow-restore-wait="true"`)
	}
	return c.addManagers()
}

// saveFlows writes a script that restores the flows of every bridge, made
// by "ovs-save save-flows", to path and makes it executable. With no
// bridges there is nothing to save.
func (c *ctl) saveFlows(path string) error {
	out, err := c.vsctlOutput("--", "--real", "list-br")
	bridges := strings.Fields(out)
	if err != nil || len(bridges) == 0 {
		return err
	}
	if err := c.needTool("ovs-save"); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	cmd := c.command(context.Background(), "ovs-save", append([]string{"save-flows"}, bridges...)...)
	cmd.Stdout = f
	err = cmd.Run()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Chmod(path, 0o700)
}

// runScript runs a script written by ovs-save with the shell; it calls the
// tools by name, so this binary's directory goes first in its PATH.
func (c *ctl) runScript(path string) error {
	cmd := exec.Command("/bin/sh", path)
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(c.exe)+":"+os.Getenv("PATH"))
	return cmd.Run()
}
