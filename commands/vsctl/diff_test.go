package vsctl

import (
	"testing"

	"github.com/govs/ovs/db/ovsdb"
)

func vswitchSchemaTextForTest() []byte { return ovsdb.VswitchSchemaText() }

func steps(lines ...string) []step {
	var s []step
	for _, l := range lines {
		sorted := false
		if len(l) > 0 && l[0] == '~' {
			sorted, l = true, l[1:]
		}
		s = append(s, step{args: l, sorted: sorted})
	}
	return s
}

var scenarios = map[string][]step{
	"options": steps(
		"--no-wait", "--no-wait --", "--no-wait -- --may-exist",
		"--no-wait foo", "--no-wait --may-exist list-br", "--no-wait --foo list-br",
		"--no-wait --may-exist=3 add-br x", "--no-wait list-br --oneline",
		"--no-wait br-to-vlan -x fb", "--no-wait -- --if-exists --if-exists del-br zz",
		"--no-wait -- --if-exists=2 del-br zz", "--no-wait -- --id del-br zz",
		"--no-wait add-br", "--no-wait list-br x", "--no-wait -f xml list-br",
		"--no-wait -d foo list-br", "--no-wait -- --id=x create bridge name=x",
		"--no-wait init", "--no-wait show", "--no-wait --dry-run add-br dd -- list-br", "--no-wait list-br",
		"--no-wait list x", "--no-wait list b", "--no-wait emer-reset",
	),
	"bridges": steps(
		"--no-wait add-br br0", "--no-wait add-br br0", "--no-wait --may-exist add-br br0",
		"--no-wait add-port br0 p1", "--no-wait add-br p1", "--no-wait add-br x br9 5",
		"--no-wait add-br fb br0 10", "--no-wait add-br x fb 5", "--no-wait add-br x br0 5000",
		"--no-wait add-br x br0", "--no-wait --may-exist add-br fb", "--no-wait --may-exist add-br br0 br0 4",
		"--no-wait --may-exist add-br fb br0 4", "--no-wait --may-exist add-br fb br9 10", "--no-wait --may-exist add-br fb br0 10",
		"--no-wait add-port fb p2", "--no-wait list-ports fb", "--no-wait list-ports br0",
		"--no-wait list-ifaces br0", "--no-wait list-ifaces fb", "--no-wait br-to-vlan fb", "--no-wait br-to-vlan br0",
		"--no-wait br-to-parent fb", "--no-wait br-to-parent br0", "--no-wait br-to-parent zz",
		"--no-wait list-br", "--no-wait list-br --real", "--no-wait -- --real list-br", "--no-wait -- --fake list-br",
		"--no-wait br-exists br0", "--no-wait br-exists zz", "--no-wait list-br -- br-exists zz -- list-br",
		"--no-wait port-to-br p2", "--no-wait port-to-br br0", "--no-wait port-to-br fb", "--no-wait iface-to-br p1",
		"--no-wait iface-to-br br0", "--no-wait iface-to-br zz",
		"--no-wait br-set-external-id br0 k v", "--no-wait br-set-external-id fb k2 v2",
		"--no-wait br-get-external-id br0", "--no-wait br-get-external-id fb", "--no-wait br-get-external-id fb k2",
		"--no-wait br-get-external-id br0 nope", "--no-wait br-set-external-id br0 k", "--no-wait br-get-external-id br0",
		"--no-wait get port fb external_ids", "--no-wait --oneline list-br -- br-to-vlan fb",
		"~--no-wait show", "--no-wait del-br zz", "--no-wait --if-exists del-br zz", "--no-wait del-br fb",
		"--no-wait list-br", "--no-wait list-ports br0", "--no-wait del-br br0", "--no-wait list-br",
		"--no-wait add-br a -- add-br b a 0", "--no-wait br-to-vlan b", "--no-wait add-br c a abc", "--no-wait list-br",
	),
	"ports": steps(
		"--no-wait add-br br0", "--no-wait add-port br0 p1 tag=5 other_config:a=b", "--no-wait get port p1 tag other_config",
		"--no-wait add-port br0 p2 zz=1", "--no-wait add-port br0 p1", "--no-wait --may-exist add-port br0 p1",
		"--no-wait add-br br1", "--no-wait --may-exist add-port br1 p1", "--no-wait add-port br1 br0",
		"--no-wait add-bond br0 bond0 a b", "--no-wait add-bond br0 b2 c", "--no-wait add-bond br0 b2 c d=1",
		"--no-wait --may-exist add-bond br0 bond0 a c", "--no-wait --may-exist add-bond br0 bond0 b a",
		"--no-wait --fake-iface add-bond br0 bond1 x y", "--no-wait get port bond1 bond_fake_iface",
		"--no-wait add-port br0 a", "--no-wait list-ports br0", "--no-wait list-ifaces br0",
		"--no-wait del-port br0", "--no-wait del-port zz", "--no-wait --if-exists del-port zz",
		"--no-wait del-port br1 p1", "--no-wait del-port --with-iface zz", "--no-wait -- --with-iface del-port x",
		"--no-wait list-ports br0", "--no-wait del-port br0 p1", "--no-wait port-to-br p1",
		"--no-wait add-port br0 p3 -- set interface p3 type=internal -- get interface p3 type",
		"--no-wait add-br fb br0 7", "--no-wait add-port fb p4", "--no-wait get port p4 tag",
		"--no-wait del-port br0 p4", "--no-wait del-port fb p4", "--no-wait list-ports fb",
		"--no-wait add-port br0 'p 5'", "--no-wait list-ports br0", "--no-wait get port '\"p 5\"' name",
	),
	"database": steps(
		"--no-wait add-br br0", "--no-wait get bridge br0 name", "--no-wait get bridge br0 nam",
		"--no-wait get bridge br0 n", "--no-wait get bridge br0 zzz", "--no-wait get bridge br0 other_config:x",
		"--no-wait --if-exists get bridge br0 other_config:x", "--no-wait get bridge br0 name:x",
		"--no-wait set bridge br0 other_config:a=b 'external_ids:c=\"d e\"'", "--no-wait get bridge br0 other_config external_ids",
		"--no-wait get bridge br0 other_config:a", "--no-wait get bridge br0 _uuid", "--no-wait --id=@b get bridge br0",
		"--no-wait get bridge br0", "--no-wait set bridge br0", "--no-wait set bridge br0 name",
		"--no-wait set bridge br0 name=", "--no-wait set bridge br0 :x=y", "--no-wait set bridge br0 stp_enable=maybe",
		"--no-wait set bridge br0 stp_enable=true", "--no-wait add bridge br0 flood_vlans 1 2 3",
		"--no-wait add bridge br0 flood_vlans 5000", "--no-wait remove bridge br0 flood_vlans 2",
		"--no-wait get bridge br0 flood_vlans", "--no-wait clear bridge br0 flood_vlans",
		"--no-wait remove bridge br0 other_config a=c", "--no-wait get bridge br0 other_config",
		"--no-wait remove bridge br0 other_config a", "--no-wait get bridge br0 other_config",
		"--no-wait find bridge name=br0", "--no-wait find bridge name=zz", "--no-wait find port tag>5 --columns=name",
		"--no-wait --columns=name,tag find port tag>5", "--no-wait find port zz=1", "--no-wait find port tag~1",
		"--no-wait list open .", "--no-wait get open . ovs_version", "--no-wait list ssl", "--no-wait list port br0",
		"--no-wait list port zz", "--no-wait --if-exists list port zz", "--no-wait list interface br0",
		"--no-wait --columns=name,type list interface br0", "--no-wait --bare --columns=name list bridge",
		"--no-wait -f csv --columns=name,flood_vlans list bridge br0", "--no-wait -f json --columns=name,stp_enable list bridge br0",
		"--no-wait -d json --columns=name,other_config list bridge br0", "--no-wait -f table --columns=name list bridge br0",
		"--no-wait -f html --columns=name list bridge br0", "--no-wait --no-headings -f table --columns=name list bridge br0",
		"--no-wait --pretty -f json --columns=name list bridge br0",
		"--no-wait -f table get bridge br0 name", "--no-wait --bare get bridge br0 name other_config",
		"--no-wait create port name=zz", "--no-wait create port", "--no-wait -- --id=@x create bridge name=x",
		"--no-wait -- --id=@q create qos type=linux-htb -- set port br0 qos=@q", "--no-wait get port br0 qos",
		"--no-wait list qos br0", "--no-wait --columns=type list qos br0",
		"--no-wait -- set port br0 qos=@nope", "--no-wait -- --id=@m create manager target=ptcp:1 -- add open . manager_options @m",
		"--no-wait list manager ptcp:1", "--no-wait --columns=target list manager", "--no-wait destroy controller",
		"--no-wait --all destroy qos", "--no-wait --all destroy qos zz", "--no-wait destroy qos zz",
		"--no-wait --if-exists destroy qos zz", "--no-wait wait-until bridge br0 name=br0", "--no-wait wait-until bridge br0 stp_enable=true",
		"--no-wait find bridge stp_enable=true --", "--no-wait -- --columns=name find bridge 'other_config{>=}{}'",
		"--no-wait -- --columns=name find bridge 'flood_vlans{in}[1,2]'", "--no-wait -- --columns=name find bridge external_ids:c='\"d e\"'",
		"--no-wait -- --columns=name find bridge external_ids:c!=x", "--no-wait -- --columns=name find bridge 'external_ids:c{=}x'",
		"--no-wait set bridge br0 _uuid=x", "--no-wait set interface br0 name=foo", "--no-wait clear bridge br0 name",
		"--no-wait set bridge br0 'other_config={x=1, y=2}'", "--no-wait get bridge br0 other_config",
		"--no-wait get b br0 other_config:y", "--no-wait get br br0 datapath_id", "--no-wait get o . bridges",
	),
	"controllers": steps(
		"--no-wait add-br br0", "--no-wait add-br fb br0 3", "--no-wait get-controller br0",
		"--no-wait set-controller br0 tcp:1.2.3.4:6653 unix:/x", "--no-wait get-controller br0", "--no-wait get-controller fb",
		"--no-wait --inactivity-probe=300 set-controller fb tcp:5.6.7.8", "--no-wait get controller br0 inactivity_probe",
		"--no-wait del-controller br0", "--no-wait get-controller br0", "--no-wait get-fail-mode br0",
		"--no-wait set-fail-mode br0 secure", "--no-wait get-fail-mode fb", "--no-wait set-fail-mode br0 bogus",
		"--no-wait del-fail-mode br0", "--no-wait get-fail-mode br0", "--no-wait get-manager",
		"--no-wait set-manager ptcp:6640 tcp:1.1.1.1:6640", "--no-wait get-manager", "--no-wait del-manager", "--no-wait get-manager",
		"--no-wait get-ssl", "--no-wait set-ssl a b c", "--no-wait get-ssl", "--no-wait -- --bootstrap set-ssl d e f", "--no-wait get-ssl",
		"--no-wait del-ssl", "--no-wait get-ssl", "--no-wait set-controller br0 tcp:1.2.3.4", "--no-wait set-fail-mode br0 standalone",
		"--no-wait set-manager ptcp:1", "~--no-wait show", "--no-wait emer-reset", "~--no-wait show",
	),
	"zones": steps(
		"--no-wait list-zone-tp netdev", "--no-wait add-zone-tp netdev zone=1 icmp_first=30", "--no-wait list-dp-cap netdev",
		"--no-wait del-zone-tp netdev zone=1", "--no-wait --if-exists del-zone-tp netdev zone=1",
		"--no-wait -- --id=@dp create Datapath datapath_version=0 -- set Open_vSwitch . datapaths:netdev=@dp",
		"--no-wait list-zone-tp netdev", "--no-wait list-dp-cap netdev",
		"--no-wait add-zone-tp netdev zone=1 icmp_first=30 icmp_reply=60", "--no-wait list-zone-tp netdev",
		"--no-wait add-zone-tp netdev zone=1 icmp_first=30", "--no-wait --may-exist add-zone-tp netdev zone=1 icmp_first=31",
		"--no-wait add-zone-tp netdev zone=2", "--no-wait add-zone-tp netdev zone=2 x",
		"--no-wait add-zone-tp netdev zone=3 icmp_first", "--no-wait add-zone-tp netdev zone=4 icmp_first=abc",
		"--no-wait add-zone-tp netdev zone=70000 icmp_first=1", "--no-wait add-zone-tp netdev zone=-0x2 icmp_first=1",
		"--no-wait add-zone-tp netdev zone=5 icmp_first=-5", "--no-wait add-zone-tp netdev zone=6 icmp_first=4294967295",
		"--no-wait add-zone-tp netdev zone=7 icmp_first=99999999999", "--no-wait add-zone-tp netdev zone=0x10 icmp_first=5x",
		"--no-wait add-zone-tp netdev zone=015 icmp_first=+7", "--no-wait add-zone-tp netdev 'zone= 20' 'icmp_first=1 udp_first=2'",
		"--no-wait add-zone-tp netdev zone=21 icmp_first:5 ', tcp_close=6' 'udp_first=(7)' tcp_syn_sent==1 icmp_reply=9=1",
		"--no-wait add-zone-tp netdev zone=22 icmp_first=1 icmp_first=2 'tcp_close= 5' udp_first=010",
		"--no-wait add-zone-tp netdev zone=24 icmp_first=30 icmp_reply=60",
		"--no-wait add-zone-tp system zone=1 icmp_first=1", "--no-wait add-zone-tp netdev zone=9 =5",
		"--no-wait list-zone-tp netdev", "--no-wait list-zone-tp foo", "--no-wait list-zone-tp netdev x",
		"~--no-wait --columns=ct_zones list Datapath", "~--no-wait --bare --columns=timeouts list CT_Timeout_Policy",
		"--no-wait del-zone-tp netdev zone=9", "--no-wait --if-exists del-zone-tp netdev zone=9",
		"--no-wait del-zone-tp foo zone=9", "--no-wait --if-exists del-zone-tp foo zone=9",
		"--no-wait del-zone-tp netdev zone=1", "--no-wait del-zone-tp netdev zone=3 x", "--no-wait list-zone-tp netdev",
		"--no-wait -- --id=@z create CT_Zone external_ids={} -- --id=@p create CT_Timeout_Policy external_ids={} -- --id=@y create CT_Zone timeout_policy=@p -- --id=@dp create Datapath datapath_version=1 ct_zones:50=@z ct_zones:51=@y capabilities:ct_zone=true capabilities:a=b 'capabilities:ab=\"x y\"' -- add Open_vSwitch . datapaths xdp=@dp",
		"--no-wait list-zone-tp xdp", "--no-wait list-dp-cap xdp", "--no-wait list-dp-cap foo",
		"--no-wait --dry-run add-zone-tp netdev zone=60 icmp_first=1 -- list-zone-tp netdev",
		"--no-wait add-zone-tp netdev zone=200 icmp_first=1 -- add-zone-tp netdev zone=200 icmp_first=2 -- list-zone-tp netdev",
		"--no-wait list-zone-tp netdev", "--no-wait del-zone-tp netdev zone=200 -- list-zone-tp netdev",
		"--no-wait del-zone-tp netdev zone=3 -- del-zone-tp netdev zone=3", "--no-wait --may-exist add-zone-tp netdev zone=4 icmp_first=77 -- list-zone-tp netdev",
		"--no-wait add-zone-tp netdev zone=201 icmp_first=555 -- add-zone-tp netdev zone=202 icmp_first=555",
		"--no-wait --bare --columns=timeouts find CT_Timeout_Policy timeouts:icmp_first=555",
		"--no-wait del-zone-tp netdev zone=201 -- add-zone-tp netdev zone=201 icmp_first=4", "--no-wait list-zone-tp netdev",
	),
	"autoattach": steps(
		"--no-wait get-aa-mapping br0", "--no-wait add-aa-mapping br0 1 2", "--no-wait add-br br0",
		"--no-wait get-aa-mapping br0", "--no-wait del-aa-mapping br0 1 2", "--no-wait list AutoAttach",
		"--no-wait add-aa-mapping br0 100 20", "--no-wait get-aa-mapping br0", "--no-wait list AutoAttach",
		"--no-wait add-aa-mapping br0 100 21", "--no-wait add-aa-mapping br0 101 20 -- add-aa-mapping br0 5 6 -- get-aa-mapping br0",
		"--no-wait add-aa-mapping br0 x 6", "--no-wait add-aa-mapping br0 7 y", "--no-wait add-aa-mapping nobr x 2",
		"--no-wait add-aa-mapping nobr 1 2", "--no-wait add-aa-mapping br0 0x10 010", "--no-wait add-aa-mapping br0 -1 -2",
		"--no-wait add-aa-mapping br0 99999999999999999999 3", "--no-wait add-aa-mapping br0 ' 8' '9 '",
		"--no-wait add-aa-mapping br0 7y +3", "--no-wait add-aa-mapping br0 '' 3", "--no-wait add-aa-mapping br0 -x 3",
		"--no-wait add-aa-mapping br0 16777216 4095", "--no-wait add-aa-mapping br0 1 4096",
		"--no-wait get-aa-mapping br0", "--no-wait del-aa-mapping br0 5 7", "--no-wait del-aa-mapping br0 100 20",
		"--no-wait get-aa-mapping br0", "--no-wait del-aa-mapping br0 x y", "--no-wait del-aa-mapping nobr 1 2",
		"--no-wait add-br fb br0 10", "--no-wait add-aa-mapping fb 40 50", "--no-wait get-aa-mapping fb",
		"--no-wait add-br br1", "--no-wait del-aa-mapping br1 1 2", "--no-wait get-aa-mapping br1",
		"--no-wait add-aa-mapping br1 1 2 -- add-aa-mapping br1 2 9 -- add-aa-mapping br1 3 2 -- get-aa-mapping br1",
		"--no-wait del-aa-mapping br1 3 2 -- get-aa-mapping br1", "--no-wait get-aa-mapping br0 x",
		"~--no-wait --columns=mappings list AutoAttach", "--no-wait --dry-run add-aa-mapping br1 7 8 -- get-aa-mapping br1",
	),
}

func TestDifferential(t *testing.T) {
	needOVS(t, "ovs-vsctl", "ovsdb-server", "ovsdb-tool")
	for name, st := range scenarios {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			runScenario(t, st)
		})
	}
}
