// Code generated from the real ovs-ofctl 3.1 ("ovs-ofctl print-error NAME"
// for every error name it knows). DO NOT EDIT by hand; see errors.go.

package openflow

// Error codes, by OVS's names.
const (
	_ ErrorCode = iota
	NXBAC_BAD_CONJUNCTION
	NXBAC_BAD_ED_PROP
	NXBAC_BAD_HEADER_TYPE
	NXBAC_CT_DATAPATH_SUPPORT
	NXBAC_MUST_BE_ZERO
	NXBAC_UNKNOWN_ED_PROP
	NXBMC_CT_DATAPATH_SUPPORT
	NXBRC_BAD_REASON
	NXBRC_FM_BAD_EVENT
	NXBRC_MUST_BE_ZERO
	NXBRC_NXM_BAD_TYPE
	NXBRC_NXM_INVALID
	NXBRC_UNENCODABLE_ERROR
	NXFMFC_BAD_TABLE_ID
	NXFMFC_HARDWARE
	NXFMFC_INVALID_TLV_FIELD
	NXQOFC_QUEUE_ERROR
	NXTFFC_DUP_TABLE
	NXTTMFC_ALREADY_MAPPED
	NXTTMFC_BAD_COMMAND
	NXTTMFC_BAD_FIELD_IDX
	NXTTMFC_BAD_OPT_LEN
	NXTTMFC_DUP_ENTRY
	NXTTMFC_INVALID_TLV_DEL
	NXTTMFC_TABLE_FULL
	OFPACFC_EPERM
	OFPACFC_INVALID
	OFPACFC_UNSUPPORTED
	OFPBAC_BAD_ARGUMENT
	OFPBAC_BAD_LEN
	OFPBAC_BAD_METER
	OFPBAC_BAD_OUT_GROUP
	OFPBAC_BAD_OUT_PORT
	OFPBAC_BAD_QUEUE
	OFPBAC_BAD_SET_ARGUMENT
	OFPBAC_BAD_SET_LEN
	OFPBAC_BAD_SET_MASK
	OFPBAC_BAD_SET_TYPE
	OFPBAC_BAD_TAG
	OFPBAC_BAD_TYPE
	OFPBAC_BAD_VENDOR
	OFPBAC_BAD_VENDOR_TYPE
	OFPBAC_EPERM
	OFPBAC_MATCH_INCONSISTENT
	OFPBAC_TOO_MANY
	OFPBAC_UNSUPPORTED_ORDER
	OFPBFC_BAD_FLAGS
	OFPBFC_BAD_ID
	OFPBFC_BAD_TYPE
	OFPBFC_BAD_VERSION
	OFPBFC_BUNDLE_CLOSED
	OFPBFC_BUNDLE_EXIST
	OFPBFC_BUNDLE_IN_PROGRESS
	OFPBFC_EPERM
	OFPBFC_MSG_BAD_LEN
	OFPBFC_MSG_BAD_XID
	OFPBFC_MSG_CONFLICT
	OFPBFC_MSG_FAILED
	OFPBFC_MSG_TOO_MANY
	OFPBFC_MSG_UNSUP
	OFPBFC_OUT_OF_BUNDLES
	OFPBFC_SCHED_FUTURE
	OFPBFC_SCHED_NOT_SUPPORTED
	OFPBFC_SCHED_PAST
	OFPBFC_TIMEOUT
	OFPBFC_UNKNOWN
	OFPBIC_BAD_EXPERIMENTER
	OFPBIC_BAD_EXP_TYPE
	OFPBIC_BAD_LEN
	OFPBIC_BAD_TABLE_ID
	OFPBIC_DUP_INST
	OFPBIC_EPERM
	OFPBIC_UNKNOWN_INST
	OFPBIC_UNSUP_INST
	OFPBIC_UNSUP_METADATA
	OFPBIC_UNSUP_METADATA_MASK
	OFPBMC_BAD_DL_ADDR_MASK
	OFPBMC_BAD_FIELD
	OFPBMC_BAD_LEN
	OFPBMC_BAD_MASK
	OFPBMC_BAD_NW_ADDR_MASK
	OFPBMC_BAD_PREREQ
	OFPBMC_BAD_TAG
	OFPBMC_BAD_TYPE
	OFPBMC_BAD_VALUE
	OFPBMC_BAD_WILDCARDS
	OFPBMC_DUP_FIELD
	OFPBMC_EPERM
	OFPBPC_BAD_EXPERIMENTER
	OFPBPC_BAD_EXP_TYPE
	OFPBPC_BAD_EXP_VALUE
	OFPBPC_BAD_LEN
	OFPBPC_BAD_TYPE
	OFPBPC_BAD_VALUE
	OFPBPC_DUP_TYPE
	OFPBPC_EPERM
	OFPBPC_TOO_MANY
	OFPBRC_BAD_LEN
	OFPBRC_BAD_PACKET
	OFPBRC_BAD_PORT
	OFPBRC_BAD_STAT
	OFPBRC_BAD_SUBTYPE
	OFPBRC_BAD_TABLE_ID
	OFPBRC_BAD_TYPE
	OFPBRC_BAD_VENDOR
	OFPBRC_BAD_VERSION
	OFPBRC_BUFFER_EMPTY
	OFPBRC_BUFFER_UNKNOWN
	OFPBRC_EPERM
	OFPBRC_IS_SECONDARY
	OFPBRC_MULTIPART_BAD_SCHED
	OFPBRC_MULTIPART_BUFFER_OVERFLOW
	OFPBRC_MULTIPART_REPLY_TIMEOUT
	OFPBRC_MULTIPART_REQUEST_TIMEOUT
	OFPBRC_PIPELINE_FIELDS_ONLY
	OFPBRC_UNKNOWN
	OFPFMFC_BAD_COMMAND
	OFPFMFC_BAD_EMERG_TIMEOUT
	OFPFMFC_BAD_FLAGS
	OFPFMFC_BAD_PRIORITY
	OFPFMFC_BAD_TABLE_ID
	OFPFMFC_BAD_TIMEOUT
	OFPFMFC_CANT_SYNC
	OFPFMFC_EPERM
	OFPFMFC_IS_SYNC
	OFPFMFC_OVERLAP
	OFPFMFC_TABLE_FULL
	OFPFMFC_UNKNOWN
	OFPFMFC_UNSUPPORTED
	OFPGMFC_BAD_BUCKET
	OFPGMFC_BAD_COMMAND
	OFPGMFC_BAD_TYPE
	OFPGMFC_BAD_WATCH
	OFPGMFC_BUCKET_EXISTS
	OFPGMFC_CHAINED_GROUP
	OFPGMFC_CHAINING_UNSUPPORTED
	OFPGMFC_EPERM
	OFPGMFC_GROUP_EXISTS
	OFPGMFC_INVALID_GROUP
	OFPGMFC_LOOP
	OFPGMFC_OUT_OF_BUCKETS
	OFPGMFC_OUT_OF_GROUPS
	OFPGMFC_UNKNOWN_BUCKET
	OFPGMFC_UNKNOWN_GROUP
	OFPGMFC_WATCH_UNSUPPORTED
	OFPGMFC_WEIGHT_UNSUPPORTED
	OFPHFC_EPERM
	OFPHFC_INCOMPATIBLE
	OFPMMFC_BAD_BAND
	OFPMMFC_BAD_BAND_VALUE
	OFPMMFC_BAD_BURST
	OFPMMFC_BAD_COMMAND
	OFPMMFC_BAD_FLAGS
	OFPMMFC_BAD_RATE
	OFPMMFC_INVALID_METER
	OFPMMFC_METER_EXISTS
	OFPMMFC_OUT_OF_BANDS
	OFPMMFC_OUT_OF_METERS
	OFPMMFC_UNKNOWN
	OFPMMFC_UNKNOWN_METER
	OFPMOFC_BAD_COMMAND
	OFPMOFC_BAD_FLAGS
	OFPMOFC_BAD_OUT
	OFPMOFC_BAD_TABLE_ID
	OFPMOFC_INVALID_MONITOR
	OFPMOFC_MONITOR_EXISTS
	OFPMOFC_UNKNOWN
	OFPMOFC_UNKNOWN_MONITOR
	OFPPMFC_BAD_ADVERTISE
	OFPPMFC_BAD_CONFIG
	OFPPMFC_BAD_HW_ADDR
	OFPPMFC_BAD_PORT
	OFPPMFC_EPERM
	OFPQOFC_BAD_PORT
	OFPQOFC_BAD_QUEUE
	OFPQOFC_EPERM
	OFPRRFC_BAD_ROLE
	OFPRRFC_ID_IN_USE
	OFPRRFC_ID_UNSUP
	OFPRRFC_STALE
	OFPRRFC_UNSUP
	OFPSCFC_BAD_FLAGS
	OFPSCFC_BAD_LEN
	OFPSCFC_EPERM
	OFPTFFC_BAD_CAPA
	OFPTFFC_BAD_COMMAND
	OFPTFFC_BAD_FEATURES
	OFPTFFC_BAD_MAX_ENT
	OFPTFFC_BAD_METADATA
	OFPTFFC_BAD_TABLE
	OFPTFFC_EPERM
	OFPTFFC_TOO_MANY
	OFPTMFC_BAD_CONFIG
	OFPTMFC_BAD_TABLE
	OFPTMFC_EPERM
)

var errorTable = [...]errorEntry{
	{},
	{"NXBAC_BAD_CONJUNCTION", [6]wireError{{0x2320, 2, 526, true}, {0x2320, 2, 526, true}, {0x2320, 15, 0, true}, {0x2320, 15, 0, true}, {0x2320, 15, 0, true}, {0x2320, 15, 0, true}}},
	{"NXBAC_BAD_ED_PROP", [6]wireError{{}, {}, {}, {0x2320, 41, 0, true}, {0x2320, 41, 0, true}, {0x2320, 41, 0, true}}},
	{"NXBAC_BAD_HEADER_TYPE", [6]wireError{{}, {}, {}, {0x2320, 39, 0, true}, {0x2320, 39, 0, true}, {0x2320, 39, 0, true}}},
	{"NXBAC_CT_DATAPATH_SUPPORT", [6]wireError{{0x2320, 1, 265, true}, {0x2320, 1, 265, true}, {0x2320, 42, 0, true}, {0x2320, 42, 0, true}, {0x2320, 42, 0, true}, {0x2320, 42, 0, true}}},
	{"NXBAC_MUST_BE_ZERO", [6]wireError{{0x2320, 2, 256, true}, {0x2320, 2, 256, true}, {0x2320, 11, 0, true}, {0x2320, 11, 0, true}, {0x2320, 11, 0, true}, {0x2320, 11, 0, true}}},
	{"NXBAC_UNKNOWN_ED_PROP", [6]wireError{{}, {}, {}, {0x2320, 40, 0, true}, {0x2320, 40, 0, true}, {0x2320, 40, 0, true}}},
	{"NXBMC_CT_DATAPATH_SUPPORT", [6]wireError{{0x2320, 1, 264, true}, {0x2320, 1, 264, true}, {0x2320, 43, 0, true}, {0x2320, 43, 0, true}, {0x2320, 43, 0, true}, {0x2320, 43, 0, true}}},
	{"NXBRC_BAD_REASON", [6]wireError{{0x2320, 1, 516, true}, {0x2320, 1, 516, true}, {0x2320, 5, 0, true}, {0x2320, 5, 0, true}, {0x2320, 5, 0, true}, {0x2320, 5, 0, true}}},
	{"NXBRC_FM_BAD_EVENT", [6]wireError{{0x2320, 1, 520, true}, {0x2320, 1, 520, true}, {0x2320, 9, 0, true}, {0x2320, 9, 0, true}, {0x2320, 9, 0, true}, {0x2320, 9, 0, true}}},
	{"NXBRC_MUST_BE_ZERO", [6]wireError{{0x2320, 1, 515, true}, {0x2320, 1, 515, true}, {0x2320, 4, 0, true}, {0x2320, 4, 0, true}, {0x2320, 4, 0, true}, {0x2320, 4, 0, true}}},
	{"NXBRC_NXM_BAD_TYPE", [6]wireError{{0x2320, 1, 257, true}, {0x2320, 1, 257, true}, {0x2320, 3, 0, true}, {0x2320, 3, 0, true}, {0x2320, 3, 0, true}, {0x2320, 3, 0, true}}},
	{"NXBRC_NXM_INVALID", [6]wireError{{0x2320, 1, 256, true}, {0x2320, 1, 256, true}, {0x2320, 2, 0, true}, {0x2320, 2, 0, true}, {0x2320, 2, 0, true}, {0x2320, 2, 0, true}}},
	{"NXBRC_UNENCODABLE_ERROR", [6]wireError{{0x2320, 1, 521, true}, {0x2320, 1, 521, true}, {0x2320, 10, 0, true}, {0x2320, 10, 0, true}, {0x2320, 10, 0, true}, {0x2320, 10, 0, true}}},
	{"NXFMFC_BAD_TABLE_ID", [6]wireError{{0x2320, 5, 257, true}, {0x2320, 5, 257, true}, {0x2320, 13, 0, true}, {0x2320, 13, 0, true}, {0x2320, 13, 0, true}, {0x2320, 13, 0, true}}},
	{"NXFMFC_HARDWARE", [6]wireError{{0x2320, 5, 256, true}, {0x2320, 5, 256, true}, {0x2320, 12, 0, true}, {0x2320, 12, 0, true}, {0x2320, 12, 0, true}, {0x2320, 12, 0, true}}},
	{"NXFMFC_INVALID_TLV_FIELD", [6]wireError{{0x2320, 1, 536, true}, {0x2320, 1, 536, true}, {0x2320, 37, 0, true}, {0x2320, 37, 0, true}, {0x2320, 37, 0, true}, {0x2320, 37, 0, true}}},
	{"NXQOFC_QUEUE_ERROR", [6]wireError{{}, {}, {}, {}, {0x2320, 23, 0, true}, {0x2320, 23, 0, true}}},
	{"NXTFFC_DUP_TABLE", [6]wireError{{}, {}, {}, {0x2320, 44, 0, true}, {0x2320, 44, 0, true}, {0x2320, 44, 0, true}}},
	{"NXTTMFC_ALREADY_MAPPED", [6]wireError{{0x2320, 1, 531, true}, {0x2320, 1, 531, true}, {0x2320, 20, 0, true}, {0x2320, 20, 0, true}, {0x2320, 20, 0, true}, {0x2320, 20, 0, true}}},
	{"NXTTMFC_BAD_COMMAND", [6]wireError{{0x2320, 1, 527, true}, {0x2320, 1, 527, true}, {0x2320, 16, 0, true}, {0x2320, 16, 0, true}, {0x2320, 16, 0, true}, {0x2320, 16, 0, true}}},
	{"NXTTMFC_BAD_FIELD_IDX", [6]wireError{{0x2320, 1, 529, true}, {0x2320, 1, 529, true}, {0x2320, 18, 0, true}, {0x2320, 18, 0, true}, {0x2320, 18, 0, true}, {0x2320, 18, 0, true}}},
	{"NXTTMFC_BAD_OPT_LEN", [6]wireError{{0x2320, 1, 528, true}, {0x2320, 1, 528, true}, {0x2320, 17, 0, true}, {0x2320, 17, 0, true}, {0x2320, 17, 0, true}, {0x2320, 17, 0, true}}},
	{"NXTTMFC_DUP_ENTRY", [6]wireError{{0x2320, 1, 532, true}, {0x2320, 1, 532, true}, {0x2320, 21, 0, true}, {0x2320, 21, 0, true}, {0x2320, 21, 0, true}, {0x2320, 21, 0, true}}},
	{"NXTTMFC_INVALID_TLV_DEL", [6]wireError{{0x2320, 1, 537, true}, {0x2320, 1, 537, true}, {0x2320, 38, 0, true}, {0x2320, 38, 0, true}, {0x2320, 38, 0, true}, {0x2320, 38, 0, true}}},
	{"NXTTMFC_TABLE_FULL", [6]wireError{{0x2320, 1, 530, true}, {0x2320, 1, 530, true}, {0x2320, 19, 0, true}, {0x2320, 19, 0, true}, {0x2320, 19, 0, true}, {0x2320, 19, 0, true}}},
	{"OFPACFC_EPERM", [6]wireError{{}, {}, {}, {0x4f4e4600, 2372, 0, true}, {0, 15, 2, true}, {0, 15, 2, true}}},
	{"OFPACFC_INVALID", [6]wireError{{}, {}, {}, {0x4f4e4600, 2370, 0, true}, {0, 15, 0, true}, {0, 15, 0, true}}},
	{"OFPACFC_UNSUPPORTED", [6]wireError{{}, {}, {}, {0x4f4e4600, 2371, 0, true}, {0, 15, 1, true}, {0, 15, 1, true}}},
	{"OFPBAC_BAD_ARGUMENT", [6]wireError{{0, 2, 5, true}, {0, 2, 5, true}, {0, 2, 5, true}, {0, 2, 5, true}, {0, 2, 5, true}, {0, 2, 5, true}}},
	{"OFPBAC_BAD_LEN", [6]wireError{{0, 2, 1, true}, {0, 2, 1, true}, {0, 2, 1, true}, {0, 2, 1, true}, {0, 2, 1, true}, {0, 2, 1, true}}},
	{"OFPBAC_BAD_METER", [6]wireError{{}, {}, {}, {}, {}, {0, 2, 17, true}}},
	{"OFPBAC_BAD_OUT_GROUP", [6]wireError{{0x2320, 2, 9, true}, {0, 2, 9, true}, {0, 2, 9, true}, {0, 2, 9, true}, {0, 2, 9, true}, {0, 2, 9, true}}},
	{"OFPBAC_BAD_OUT_PORT", [6]wireError{{0, 2, 4, true}, {0, 2, 4, true}, {0, 2, 4, true}, {0, 2, 4, true}, {0, 2, 4, true}, {0, 2, 4, true}}},
	{"OFPBAC_BAD_QUEUE", [6]wireError{{0, 2, 8, true}, {0, 2, 8, true}, {0, 2, 8, true}, {0, 2, 8, true}, {0, 2, 8, true}, {0, 2, 8, true}}},
	{"OFPBAC_BAD_SET_ARGUMENT", [6]wireError{{0x2320, 1, 525, true}, {0x2320, 1, 525, true}, {0, 2, 15, true}, {0, 2, 15, true}, {0, 2, 15, true}, {0, 2, 15, true}}},
	{"OFPBAC_BAD_SET_LEN", [6]wireError{{0x2320, 1, 524, true}, {0x2320, 1, 524, true}, {0, 2, 14, true}, {0, 2, 14, true}, {0, 2, 14, true}, {0, 2, 14, true}}},
	{"OFPBAC_BAD_SET_MASK", [6]wireError{{}, {}, {}, {0x4f4e4600, 4250, 0, true}, {0x4f4e4600, 4250, 0, true}, {0, 2, 16, true}}},
	{"OFPBAC_BAD_SET_TYPE", [6]wireError{{0x2320, 1, 523, true}, {0x2320, 1, 523, true}, {0, 2, 13, true}, {0, 2, 13, true}, {0, 2, 13, true}, {0, 2, 13, true}}},
	{"OFPBAC_BAD_TAG", [6]wireError{{}, {0, 2, 12, true}, {0, 2, 12, true}, {0, 2, 12, true}, {0, 2, 12, true}, {0, 2, 12, true}}},
	{"OFPBAC_BAD_TYPE", [6]wireError{{0, 2, 0, true}, {0, 2, 0, true}, {0, 2, 0, true}, {0, 2, 0, true}, {0, 2, 0, true}, {0, 2, 0, true}}},
	{"OFPBAC_BAD_VENDOR", [6]wireError{{0, 2, 2, true}, {0, 2, 2, true}, {0, 2, 2, true}, {0, 2, 2, true}, {0, 2, 2, true}, {0, 2, 2, true}}},
	{"OFPBAC_BAD_VENDOR_TYPE", [6]wireError{{0, 2, 3, true}, {0, 2, 3, true}, {0, 2, 3, true}, {0, 2, 3, true}, {0, 2, 3, true}, {0, 2, 3, true}}},
	{"OFPBAC_EPERM", [6]wireError{{0, 2, 6, true}, {0, 2, 6, true}, {0, 2, 6, true}, {0, 2, 6, true}, {0, 2, 6, true}, {0, 2, 6, true}}},
	{"OFPBAC_MATCH_INCONSISTENT", [6]wireError{{0x2320, 1, 522, true}, {0, 2, 10, true}, {0, 2, 10, true}, {0, 2, 10, true}, {0, 2, 10, true}, {0, 2, 10, true}}},
	{"OFPBAC_TOO_MANY", [6]wireError{{0, 2, 7, true}, {0, 2, 7, true}, {0, 2, 7, true}, {0, 2, 7, true}, {0, 2, 7, true}, {0, 2, 7, true}}},
	{"OFPBAC_UNSUPPORTED_ORDER", [6]wireError{{}, {0, 2, 11, true}, {0, 2, 11, true}, {0, 2, 11, true}, {0, 2, 11, true}, {0, 2, 11, true}}},
	{"OFPBFC_BAD_FLAGS", [6]wireError{{}, {}, {}, {0x4f4e4600, 2307, 0, true}, {0, 17, 7, true}, {0, 17, 7, true}}},
	{"OFPBFC_BAD_ID", [6]wireError{{}, {}, {}, {0x4f4e4600, 2302, 0, true}, {0, 17, 2, true}, {0, 17, 2, true}}},
	{"OFPBFC_BAD_TYPE", [6]wireError{{}, {}, {}, {0x4f4e4600, 2306, 0, true}, {0, 17, 6, true}, {0, 17, 6, true}}},
	{"OFPBFC_BAD_VERSION", [6]wireError{{}, {}, {}, {}, {0x2320, 22, 0, true}, {0x2320, 22, 0, true}}},
	{"OFPBFC_BUNDLE_CLOSED", [6]wireError{{}, {}, {}, {0x4f4e4600, 2304, 0, true}, {0, 17, 4, true}, {0, 17, 4, true}}},
	{"OFPBFC_BUNDLE_EXIST", [6]wireError{{}, {}, {}, {0x4f4e4600, 2303, 0, true}, {0, 17, 3, true}, {0, 17, 3, true}}},
	{"OFPBFC_BUNDLE_IN_PROGRESS", [6]wireError{{}, {}, {}, {0x4f4e4600, 2315, 0, true}, {0, 17, 15, true}, {0, 17, 15, true}}},
	{"OFPBFC_EPERM", [6]wireError{{}, {}, {}, {0x4f4e4600, 2301, 0, true}, {0, 17, 1, true}, {0, 17, 1, true}}},
	{"OFPBFC_MSG_BAD_LEN", [6]wireError{{}, {}, {}, {0x4f4e4600, 2308, 0, true}, {0, 17, 8, true}, {0, 17, 8, true}}},
	{"OFPBFC_MSG_BAD_XID", [6]wireError{{}, {}, {}, {0x4f4e4600, 2309, 0, true}, {0, 17, 9, true}, {0, 17, 9, true}}},
	{"OFPBFC_MSG_CONFLICT", [6]wireError{{}, {}, {}, {0x4f4e4600, 2311, 0, true}, {0, 17, 11, true}, {0, 17, 11, true}}},
	{"OFPBFC_MSG_FAILED", [6]wireError{{}, {}, {}, {0x4f4e4600, 2313, 0, true}, {0, 17, 13, true}, {0, 17, 13, true}}},
	{"OFPBFC_MSG_TOO_MANY", [6]wireError{{}, {}, {}, {0x4f4e4600, 2312, 0, true}, {0, 17, 12, true}, {0, 17, 12, true}}},
	{"OFPBFC_MSG_UNSUP", [6]wireError{{}, {}, {}, {0x4f4e4600, 2310, 0, true}, {0, 17, 10, true}, {0, 17, 10, true}}},
	{"OFPBFC_OUT_OF_BUNDLES", [6]wireError{{}, {}, {}, {0x4f4e4600, 2305, 0, true}, {0, 17, 5, true}, {0, 17, 5, true}}},
	{"OFPBFC_SCHED_FUTURE", [6]wireError{{}, {}, {}, {}, {}, {0, 17, 17, true}}},
	{"OFPBFC_SCHED_NOT_SUPPORTED", [6]wireError{{}, {}, {}, {}, {}, {0, 17, 16, true}}},
	{"OFPBFC_SCHED_PAST", [6]wireError{{}, {}, {}, {}, {}, {0, 17, 18, true}}},
	{"OFPBFC_TIMEOUT", [6]wireError{{}, {}, {}, {0x4f4e4600, 2314, 0, true}, {0, 17, 14, true}, {0, 17, 14, true}}},
	{"OFPBFC_UNKNOWN", [6]wireError{{}, {}, {}, {0x4f4e4600, 2300, 0, true}, {0, 17, 0, true}, {0, 17, 0, true}}},
	{"OFPBIC_BAD_EXPERIMENTER", [6]wireError{{}, {0, 3, 5, true}, {0, 3, 5, true}, {0, 3, 5, true}, {0, 3, 5, true}, {0, 3, 5, true}}},
	{"OFPBIC_BAD_EXP_TYPE", [6]wireError{{}, {0, 3, 5, true}, {0, 3, 6, true}, {0, 3, 6, true}, {0, 3, 6, true}, {0, 3, 6, true}}},
	{"OFPBIC_BAD_LEN", [6]wireError{{}, {}, {0, 3, 7, true}, {0, 3, 7, true}, {0, 3, 7, true}, {0, 3, 7, true}}},
	{"OFPBIC_BAD_TABLE_ID", [6]wireError{{}, {0, 3, 2, true}, {0, 3, 2, true}, {0, 3, 2, true}, {0, 3, 2, true}, {0, 3, 2, true}}},
	{"OFPBIC_DUP_INST", [6]wireError{{}, {0x2320, 3, 256, true}, {0x4f4e4600, 2600, 0, true}, {0x4f4e4600, 2600, 0, true}, {0, 3, 9, true}, {0, 3, 9, true}}},
	{"OFPBIC_EPERM", [6]wireError{{}, {}, {0, 3, 8, true}, {0, 3, 8, true}, {0, 3, 8, true}, {0, 3, 8, true}}},
	{"OFPBIC_UNKNOWN_INST", [6]wireError{{}, {0, 3, 0, true}, {0, 3, 0, true}, {0, 3, 0, true}, {0, 3, 0, true}, {0, 3, 0, true}}},
	{"OFPBIC_UNSUP_INST", [6]wireError{{0x2320, 2, 257, true}, {0, 3, 1, true}, {0, 3, 1, true}, {0, 3, 1, true}, {0, 3, 1, true}, {0, 3, 1, true}}},
	{"OFPBIC_UNSUP_METADATA", [6]wireError{{}, {0, 3, 3, true}, {0, 3, 3, true}, {0, 3, 3, true}, {0, 3, 3, true}, {0, 3, 3, true}}},
	{"OFPBIC_UNSUP_METADATA_MASK", [6]wireError{{}, {0, 3, 4, true}, {0, 3, 4, true}, {0, 3, 4, true}, {0, 3, 4, true}, {0, 3, 4, true}}},
	{"OFPBMC_BAD_DL_ADDR_MASK", [6]wireError{{}, {0, 4, 3, true}, {0, 4, 3, true}, {0, 4, 3, true}, {0, 4, 3, true}, {0, 4, 3, true}}},
	{"OFPBMC_BAD_FIELD", [6]wireError{{0x2320, 0, 263, true}, {0, 4, 6, true}, {0, 4, 6, true}, {0, 4, 6, true}, {0, 4, 6, true}, {0, 4, 6, true}}},
	{"OFPBMC_BAD_LEN", [6]wireError{{}, {0, 4, 1, true}, {0, 4, 1, true}, {0, 4, 1, true}, {0, 4, 1, true}, {0, 4, 1, true}}},
	{"OFPBMC_BAD_MASK", [6]wireError{{0x2320, 1, 259, true}, {0x2320, 1, 259, true}, {0, 4, 8, true}, {0, 4, 8, true}, {0, 4, 8, true}, {0, 4, 8, true}}},
	{"OFPBMC_BAD_NW_ADDR_MASK", [6]wireError{{}, {0, 4, 4, true}, {0, 4, 4, true}, {0, 4, 4, true}, {0, 4, 4, true}, {0, 4, 4, true}}},
	{"OFPBMC_BAD_PREREQ", [6]wireError{{0x2320, 1, 260, true}, {0x2320, 1, 260, true}, {0, 4, 9, true}, {0, 4, 9, true}, {0, 4, 9, true}, {0, 4, 9, true}}},
	{"OFPBMC_BAD_TAG", [6]wireError{{}, {0, 4, 2, true}, {0, 4, 2, true}, {0, 4, 2, true}, {0, 4, 2, true}, {0, 4, 2, true}}},
	{"OFPBMC_BAD_TYPE", [6]wireError{{}, {0, 4, 0, true}, {0, 4, 0, true}, {0, 4, 0, true}, {0, 4, 0, true}, {0, 4, 0, true}}},
	{"OFPBMC_BAD_VALUE", [6]wireError{{0x2320, 1, 258, true}, {0, 4, 7, true}, {0, 4, 7, true}, {0, 4, 7, true}, {0, 4, 7, true}, {0, 4, 7, true}}},
	{"OFPBMC_BAD_WILDCARDS", [6]wireError{{0x2320, 1, 262, true}, {0, 4, 5, true}, {0, 4, 5, true}, {0, 4, 5, true}, {0, 4, 5, true}, {0, 4, 5, true}}},
	{"OFPBMC_DUP_FIELD", [6]wireError{{0x2320, 1, 261, true}, {0x2320, 1, 261, true}, {0, 4, 10, true}, {0, 4, 10, true}, {0, 4, 10, true}, {0, 4, 10, true}}},
	{"OFPBMC_EPERM", [6]wireError{{}, {}, {0, 4, 11, true}, {0, 4, 11, true}, {0, 4, 11, true}, {0, 4, 11, true}}},
	{"OFPBPC_BAD_EXPERIMENTER", [6]wireError{{0x2320, 14, 5, true}, {0x2320, 14, 5, true}, {0x2320, 30, 0, true}, {0x4f4e4600, 4445, 0, true}, {0, 14, 5, true}, {0, 14, 5, true}}},
	{"OFPBPC_BAD_EXP_TYPE", [6]wireError{{0x2320, 14, 6, true}, {0x2320, 14, 6, true}, {0x2320, 31, 0, true}, {0x4f4e4600, 4446, 0, true}, {0, 14, 6, true}, {0, 14, 6, true}}},
	{"OFPBPC_BAD_EXP_VALUE", [6]wireError{{0x2320, 14, 7, true}, {0x2320, 14, 7, true}, {0x2320, 32, 0, true}, {0x4f4e4600, 4447, 0, true}, {0, 14, 7, true}, {0, 14, 7, true}}},
	{"OFPBPC_BAD_LEN", [6]wireError{{0x2320, 13, 3, true}, {0x2320, 13, 3, true}, {0x2320, 26, 0, true}, {0, 13, 3, true}, {0, 14, 1, true}, {0, 14, 1, true}}},
	{"OFPBPC_BAD_TYPE", [6]wireError{{0x2320, 13, 2, true}, {0x2320, 13, 2, true}, {0x2320, 25, 0, true}, {0, 13, 2, true}, {0, 14, 0, true}, {0, 14, 0, true}}},
	{"OFPBPC_BAD_VALUE", [6]wireError{{0x2320, 13, 4, true}, {0x2320, 13, 4, true}, {0x2320, 27, 0, true}, {0, 13, 4, true}, {0, 14, 2, true}, {0, 14, 2, true}}},
	{"OFPBPC_DUP_TYPE", [6]wireError{{0x2320, 14, 4, true}, {0x2320, 14, 4, true}, {0x2320, 29, 0, true}, {0x4f4e4600, 4444, 0, true}, {0, 14, 4, true}, {0, 14, 4, true}}},
	{"OFPBPC_EPERM", [6]wireError{{0x2320, 14, 8, true}, {0x2320, 14, 8, true}, {0x2320, 33, 0, true}, {0x4f4e4600, 4448, 0, true}, {0, 14, 8, true}, {0, 14, 8, true}}},
	{"OFPBPC_TOO_MANY", [6]wireError{{0x2320, 14, 3, true}, {0x2320, 14, 3, true}, {0x2320, 28, 0, true}, {0x4f4e4600, 4443, 0, true}, {0, 14, 3, true}, {0, 14, 3, true}}},
	{"OFPBRC_BAD_LEN", [6]wireError{{0, 1, 6, true}, {0, 1, 6, true}, {0, 1, 6, true}, {0, 1, 6, true}, {0, 1, 6, true}, {0, 1, 6, true}}},
	{"OFPBRC_BAD_PACKET", [6]wireError{{}, {}, {0, 1, 12, true}, {0, 1, 12, true}, {0, 1, 12, true}, {0, 1, 12, true}}},
	{"OFPBRC_BAD_PORT", [6]wireError{{0x2320, 1, 514, true}, {0x2320, 1, 514, true}, {0, 1, 11, true}, {0, 1, 11, true}, {0, 1, 11, true}, {0, 1, 11, true}}},
	{"OFPBRC_BAD_STAT", [6]wireError{{0, 1, 2, true}, {0, 1, 2, true}, {0, 1, 2, true}, {0, 1, 2, true}, {0, 1, 2, true}, {0, 1, 2, true}}},
	{"OFPBRC_BAD_SUBTYPE", [6]wireError{{0, 1, 4, true}, {0, 1, 4, true}, {0, 1, 4, true}, {0, 1, 4, true}, {0, 1, 4, true}, {0, 1, 4, true}}},
	{"OFPBRC_BAD_TABLE_ID", [6]wireError{{0x2320, 1, 512, true}, {0, 1, 9, true}, {0, 1, 9, true}, {0, 1, 9, true}, {0, 1, 9, true}, {0, 1, 9, true}}},
	{"OFPBRC_BAD_TYPE", [6]wireError{{0, 1, 1, true}, {0, 1, 1, true}, {0, 1, 1, true}, {0, 1, 1, true}, {0, 1, 1, true}, {0, 1, 1, true}}},
	{"OFPBRC_BAD_VENDOR", [6]wireError{{0, 1, 3, true}, {0, 1, 3, true}, {0, 1, 3, true}, {0, 1, 3, true}, {0, 1, 3, true}, {0, 1, 3, true}}},
	{"OFPBRC_BAD_VERSION", [6]wireError{{0, 1, 0, true}, {0, 1, 0, true}, {0, 1, 0, true}, {0, 1, 0, true}, {0, 1, 0, true}, {0, 1, 0, true}}},
	{"OFPBRC_BUFFER_EMPTY", [6]wireError{{0, 1, 7, true}, {0, 1, 7, true}, {0, 1, 7, true}, {0, 1, 7, true}, {0, 1, 7, true}, {0, 1, 7, true}}},
	{"OFPBRC_BUFFER_UNKNOWN", [6]wireError{{0, 1, 8, true}, {0, 1, 8, true}, {0, 1, 8, true}, {0, 1, 8, true}, {0, 1, 8, true}, {0, 1, 8, true}}},
	{"OFPBRC_EPERM", [6]wireError{{0, 1, 5, true}, {0, 1, 5, true}, {0, 1, 5, true}, {0, 1, 5, true}, {0, 1, 5, true}, {0, 1, 5, true}}},
	{"OFPBRC_IS_SECONDARY", [6]wireError{{0, 1, 5, true}, {0, 1, 5, true}, {0, 1, 10, true}, {0, 1, 10, true}, {0, 1, 10, true}, {0, 1, 10, true}}},
	{"OFPBRC_MULTIPART_BAD_SCHED", [6]wireError{{}, {}, {}, {}, {}, {0, 1, 16, true}}},
	{"OFPBRC_MULTIPART_BUFFER_OVERFLOW", [6]wireError{{}, {}, {}, {0, 1, 13, true}, {0, 1, 13, true}, {0, 1, 13, true}}},
	{"OFPBRC_MULTIPART_REPLY_TIMEOUT", [6]wireError{{}, {}, {}, {0x4f4e4600, 2641, 0, true}, {0, 1, 15, true}, {0, 1, 15, true}}},
	{"OFPBRC_MULTIPART_REQUEST_TIMEOUT", [6]wireError{{}, {}, {}, {0x4f4e4600, 2640, 0, true}, {0, 1, 14, true}, {0, 1, 14, true}}},
	{"OFPBRC_PIPELINE_FIELDS_ONLY", [6]wireError{{}, {}, {}, {}, {}, {0, 1, 17, true}}},
	{"OFPBRC_UNKNOWN", [6]wireError{{}, {}, {}, {}, {}, {0, 1, 18, true}}},
	{"OFPFMFC_BAD_COMMAND", [6]wireError{{0, 3, 4, true}, {0, 5, 6, true}, {0, 5, 6, true}, {0, 5, 6, true}, {0, 5, 6, true}, {0, 5, 6, true}}},
	{"OFPFMFC_BAD_EMERG_TIMEOUT", [6]wireError{{0, 3, 3, true}, {}, {}, {}, {}, {}}},
	{"OFPFMFC_BAD_FLAGS", [6]wireError{{0x2320, 3, 258, true}, {0x2320, 5, 258, true}, {0, 5, 7, true}, {0, 5, 7, true}, {0, 5, 7, true}, {0, 5, 7, true}}},
	{"OFPFMFC_BAD_PRIORITY", [6]wireError{{}, {}, {}, {0x4f4e4600, 2360, 0, true}, {0, 5, 9, true}, {0, 5, 9, true}}},
	{"OFPFMFC_BAD_TABLE_ID", [6]wireError{{}, {0, 5, 2, true}, {0, 5, 2, true}, {0, 5, 2, true}, {0, 5, 2, true}, {0, 5, 2, true}}},
	{"OFPFMFC_BAD_TIMEOUT", [6]wireError{{}, {0, 5, 5, true}, {0, 5, 5, true}, {0, 5, 5, true}, {0, 5, 5, true}, {0, 5, 5, true}}},
	{"OFPFMFC_CANT_SYNC", [6]wireError{{}, {}, {}, {}, {0, 5, 8, true}, {0, 5, 8, true}}},
	{"OFPFMFC_EPERM", [6]wireError{{0, 3, 2, true}, {0, 5, 4, true}, {0, 5, 4, true}, {0, 5, 4, true}, {0, 5, 4, true}, {0, 5, 4, true}}},
	{"OFPFMFC_IS_SYNC", [6]wireError{{}, {}, {}, {}, {0, 5, 10, true}, {0, 5, 10, true}}},
	{"OFPFMFC_OVERLAP", [6]wireError{{0, 3, 1, true}, {0, 5, 3, true}, {0, 5, 3, true}, {0, 5, 3, true}, {0, 5, 3, true}, {0, 5, 3, true}}},
	{"OFPFMFC_TABLE_FULL", [6]wireError{{0, 3, 0, true}, {0, 5, 1, true}, {0, 5, 1, true}, {0, 5, 1, true}, {0, 5, 1, true}, {0, 5, 1, true}}},
	{"OFPFMFC_UNKNOWN", [6]wireError{{}, {0, 5, 0, true}, {0, 5, 0, true}, {0, 5, 0, true}, {0, 5, 0, true}, {0, 5, 0, true}}},
	{"OFPFMFC_UNSUPPORTED", [6]wireError{{0, 3, 5, true}, {}, {}, {}, {}, {}}},
	{"OFPGMFC_BAD_BUCKET", [6]wireError{{0x2320, 6, 12, true}, {}, {0, 6, 12, true}, {0, 6, 12, true}, {0, 6, 12, true}, {0, 6, 12, true}}},
	{"OFPGMFC_BAD_COMMAND", [6]wireError{{0x2320, 6, 11, true}, {}, {0, 6, 11, true}, {0, 6, 11, true}, {0, 6, 11, true}, {0, 6, 11, true}}},
	{"OFPGMFC_BAD_TYPE", [6]wireError{{0x2320, 6, 10, true}, {}, {0, 6, 10, true}, {0, 6, 10, true}, {0, 6, 10, true}, {0, 6, 10, true}}},
	{"OFPGMFC_BAD_WATCH", [6]wireError{{0x2320, 6, 13, true}, {}, {0, 6, 13, true}, {0, 6, 13, true}, {0, 6, 13, true}, {0, 6, 13, true}}},
	{"OFPGMFC_BUCKET_EXISTS", [6]wireError{{0x2320, 6, 16, true}, {}, {}, {}, {}, {0, 6, 16, true}}},
	{"OFPGMFC_CHAINED_GROUP", [6]wireError{{0x2320, 6, 9, true}, {}, {0, 6, 9, true}, {0, 6, 9, true}, {0, 6, 9, true}, {0, 6, 9, true}}},
	{"OFPGMFC_CHAINING_UNSUPPORTED", [6]wireError{{0x2320, 6, 5, true}, {0, 6, 5, true}, {0, 6, 5, true}, {0, 6, 5, true}, {0, 6, 5, true}, {0, 6, 5, true}}},
	{"OFPGMFC_EPERM", [6]wireError{{0x2320, 6, 14, true}, {}, {0, 6, 14, true}, {0, 6, 14, true}, {0, 6, 14, true}, {0, 6, 14, true}}},
	{"OFPGMFC_GROUP_EXISTS", [6]wireError{{0x2320, 6, 0, true}, {0, 6, 0, true}, {0, 6, 0, true}, {0, 6, 0, true}, {0, 6, 0, true}, {0, 6, 0, true}}},
	{"OFPGMFC_INVALID_GROUP", [6]wireError{{0x2320, 6, 1, true}, {0, 6, 1, true}, {0, 6, 1, true}, {0, 6, 1, true}, {0, 6, 1, true}, {0, 6, 1, true}}},
	{"OFPGMFC_LOOP", [6]wireError{{0x2320, 6, 7, true}, {0, 6, 7, true}, {0, 6, 7, true}, {0, 6, 7, true}, {0, 6, 7, true}, {0, 6, 7, true}}},
	{"OFPGMFC_OUT_OF_BUCKETS", [6]wireError{{0x2320, 6, 4, true}, {0, 6, 4, true}, {0, 6, 4, true}, {0, 6, 4, true}, {0, 6, 4, true}, {0, 6, 4, true}}},
	{"OFPGMFC_OUT_OF_GROUPS", [6]wireError{{0x2320, 6, 3, true}, {0, 6, 3, true}, {0, 6, 3, true}, {0, 6, 3, true}, {0, 6, 3, true}, {0, 6, 3, true}}},
	{"OFPGMFC_UNKNOWN_BUCKET", [6]wireError{{0x2320, 6, 15, true}, {}, {}, {}, {}, {0, 6, 15, true}}},
	{"OFPGMFC_UNKNOWN_GROUP", [6]wireError{{0x2320, 6, 8, true}, {0, 6, 8, true}, {0, 6, 8, true}, {0, 6, 8, true}, {0, 6, 8, true}, {0, 6, 8, true}}},
	{"OFPGMFC_WATCH_UNSUPPORTED", [6]wireError{{0x2320, 6, 6, true}, {0, 6, 6, true}, {0, 6, 6, true}, {0, 6, 6, true}, {0, 6, 6, true}, {0, 6, 6, true}}},
	{"OFPGMFC_WEIGHT_UNSUPPORTED", [6]wireError{{0x2320, 6, 2, true}, {0, 6, 2, true}, {0, 6, 2, true}, {0, 6, 2, true}, {0, 6, 2, true}, {0, 6, 2, true}}},
	{"OFPHFC_EPERM", [6]wireError{{0, 0, 1, true}, {0, 0, 1, true}, {0, 0, 1, true}, {0, 0, 1, true}, {0, 0, 1, true}, {0, 0, 1, true}}},
	{"OFPHFC_INCOMPATIBLE", [6]wireError{{0, 0, 0, true}, {0, 0, 0, true}, {0, 0, 0, true}, {0, 0, 0, true}, {0, 0, 0, true}, {0, 0, 0, true}}},
	{"OFPMMFC_BAD_BAND", [6]wireError{{}, {}, {}, {0, 12, 8, true}, {0, 12, 8, true}, {0, 12, 8, true}}},
	{"OFPMMFC_BAD_BAND_VALUE", [6]wireError{{}, {}, {}, {0, 12, 9, true}, {0, 12, 9, true}, {0, 12, 9, true}}},
	{"OFPMMFC_BAD_BURST", [6]wireError{{}, {}, {}, {0, 12, 7, true}, {0, 12, 7, true}, {0, 12, 7, true}}},
	{"OFPMMFC_BAD_COMMAND", [6]wireError{{}, {}, {}, {0, 12, 4, true}, {0, 12, 4, true}, {0, 12, 4, true}}},
	{"OFPMMFC_BAD_FLAGS", [6]wireError{{}, {}, {}, {0, 12, 5, true}, {0, 12, 5, true}, {0, 12, 5, true}}},
	{"OFPMMFC_BAD_RATE", [6]wireError{{}, {}, {}, {0, 12, 6, true}, {0, 12, 6, true}, {0, 12, 6, true}}},
	{"OFPMMFC_INVALID_METER", [6]wireError{{}, {}, {}, {0, 12, 2, true}, {0, 12, 2, true}, {0, 12, 2, true}}},
	{"OFPMMFC_METER_EXISTS", [6]wireError{{}, {}, {}, {0, 12, 1, true}, {0, 12, 1, true}, {0, 12, 1, true}}},
	{"OFPMMFC_OUT_OF_BANDS", [6]wireError{{}, {}, {}, {0, 12, 11, true}, {0, 12, 11, true}, {0, 12, 11, true}}},
	{"OFPMMFC_OUT_OF_METERS", [6]wireError{{}, {}, {}, {0, 12, 10, true}, {0, 12, 10, true}, {0, 12, 10, true}}},
	{"OFPMMFC_UNKNOWN", [6]wireError{{}, {}, {}, {0, 12, 0, true}, {0, 12, 0, true}, {0, 12, 0, true}}},
	{"OFPMMFC_UNKNOWN_METER", [6]wireError{{}, {}, {}, {0, 12, 3, true}, {0, 12, 3, true}, {0, 12, 3, true}}},
	{"OFPMOFC_BAD_COMMAND", [6]wireError{{}, {}, {}, {}, {0, 16, 4, true}, {0, 16, 4, true}}},
	{"OFPMOFC_BAD_FLAGS", [6]wireError{{0x2320, 1, 518, true}, {0x2320, 1, 518, true}, {0x2320, 7, 0, true}, {0x2320, 7, 0, true}, {0, 16, 5, true}, {0, 16, 5, true}}},
	{"OFPMOFC_BAD_OUT", [6]wireError{{}, {}, {}, {}, {0, 16, 7, true}, {0, 16, 7, true}}},
	{"OFPMOFC_BAD_TABLE_ID", [6]wireError{{}, {}, {}, {}, {0, 16, 6, true}, {0, 16, 6, true}}},
	{"OFPMOFC_INVALID_MONITOR", [6]wireError{{}, {}, {}, {}, {0, 16, 2, true}, {0, 16, 2, true}}},
	{"OFPMOFC_MONITOR_EXISTS", [6]wireError{{0x2320, 1, 517, true}, {0x2320, 1, 517, true}, {0x2320, 6, 0, true}, {0x2320, 6, 0, true}, {0, 16, 1, true}, {0, 16, 1, true}}},
	{"OFPMOFC_UNKNOWN", [6]wireError{{}, {}, {}, {}, {0, 16, 0, true}, {0, 16, 0, true}}},
	{"OFPMOFC_UNKNOWN_MONITOR", [6]wireError{{0x2320, 1, 519, true}, {0x2320, 1, 519, true}, {0x2320, 8, 0, true}, {0x2320, 8, 0, true}, {0, 16, 3, true}, {0, 16, 3, true}}},
	{"OFPPMFC_BAD_ADVERTISE", [6]wireError{{}, {0, 7, 3, true}, {0, 7, 3, true}, {0, 7, 3, true}, {0, 7, 3, true}, {0, 7, 3, true}}},
	{"OFPPMFC_BAD_CONFIG", [6]wireError{{}, {0, 7, 2, true}, {0, 7, 2, true}, {0, 7, 2, true}, {0, 7, 2, true}, {0, 7, 2, true}}},
	{"OFPPMFC_BAD_HW_ADDR", [6]wireError{{0, 4, 1, true}, {0, 7, 1, true}, {0, 7, 1, true}, {0, 7, 1, true}, {0, 7, 1, true}, {0, 7, 1, true}}},
	{"OFPPMFC_BAD_PORT", [6]wireError{{0, 4, 0, true}, {0, 7, 0, true}, {0, 7, 0, true}, {0, 7, 0, true}, {0, 7, 0, true}, {0, 7, 0, true}}},
	{"OFPPMFC_EPERM", [6]wireError{{}, {}, {0, 7, 4, true}, {0, 7, 4, true}, {0, 7, 4, true}, {0, 7, 4, true}}},
	{"OFPQOFC_BAD_PORT", [6]wireError{{0, 5, 0, true}, {0, 9, 0, true}, {0, 9, 0, true}, {0, 9, 0, true}, {0, 9, 0, true}, {0, 9, 0, true}}},
	{"OFPQOFC_BAD_QUEUE", [6]wireError{{0, 5, 1, true}, {0, 9, 1, true}, {0, 9, 1, true}, {0, 9, 1, true}, {0, 9, 1, true}, {0, 9, 1, true}}},
	{"OFPQOFC_EPERM", [6]wireError{{0, 5, 2, true}, {0, 9, 2, true}, {0, 9, 2, true}, {0, 9, 2, true}, {0, 9, 2, true}, {0, 9, 2, true}}},
	{"OFPRRFC_BAD_ROLE", [6]wireError{{0x2320, 1, 513, true}, {0x2320, 1, 513, true}, {0, 11, 2, true}, {0, 11, 2, true}, {0, 11, 2, true}, {0, 11, 2, true}}},
	{"OFPRRFC_ID_IN_USE", [6]wireError{{}, {}, {}, {}, {}, {0, 11, 4, true}}},
	{"OFPRRFC_ID_UNSUP", [6]wireError{{}, {}, {}, {}, {}, {0, 11, 3, true}}},
	{"OFPRRFC_STALE", [6]wireError{{}, {}, {0, 11, 0, true}, {0, 11, 0, true}, {0, 11, 0, true}, {0, 11, 0, true}}},
	{"OFPRRFC_UNSUP", [6]wireError{{}, {}, {0, 11, 1, true}, {0, 11, 1, true}, {0, 11, 1, true}, {0, 11, 1, true}}},
	{"OFPSCFC_BAD_FLAGS", [6]wireError{{}, {0, 10, 0, true}, {0, 10, 0, true}, {0, 10, 0, true}, {0, 10, 0, true}, {0, 10, 0, true}}},
	{"OFPSCFC_BAD_LEN", [6]wireError{{}, {0, 10, 1, true}, {0, 10, 1, true}, {0, 10, 1, true}, {0, 10, 1, true}, {0, 10, 1, true}}},
	{"OFPSCFC_EPERM", [6]wireError{{}, {}, {0, 10, 2, true}, {0, 10, 2, true}, {0, 10, 2, true}, {0, 10, 2, true}}},
	{"OFPTFFC_BAD_CAPA", [6]wireError{{}, {}, {}, {}, {}, {0, 13, 6, true}}},
	{"OFPTFFC_BAD_COMMAND", [6]wireError{{}, {}, {}, {}, {}, {0, 13, 9, true}}},
	{"OFPTFFC_BAD_FEATURES", [6]wireError{{}, {}, {}, {}, {}, {0, 13, 8, true}}},
	{"OFPTFFC_BAD_MAX_ENT", [6]wireError{{}, {}, {}, {}, {}, {0, 13, 7, true}}},
	{"OFPTFFC_BAD_METADATA", [6]wireError{{}, {}, {}, {0, 13, 1, true}, {0, 13, 1, true}, {0, 13, 1, true}}},
	{"OFPTFFC_BAD_TABLE", [6]wireError{{}, {}, {}, {0, 13, 0, true}, {0, 13, 0, true}, {0, 13, 0, true}}},
	{"OFPTFFC_EPERM", [6]wireError{{}, {}, {}, {0, 13, 5, true}, {0, 13, 5, true}, {0, 13, 5, true}}},
	{"OFPTFFC_TOO_MANY", [6]wireError{{}, {}, {}, {}, {}, {0, 13, 10, true}}},
	{"OFPTMFC_BAD_CONFIG", [6]wireError{{}, {0, 8, 1, true}, {0, 8, 1, true}, {0, 8, 1, true}, {0, 8, 1, true}, {0, 8, 1, true}}},
	{"OFPTMFC_BAD_TABLE", [6]wireError{{}, {0, 8, 0, true}, {0, 8, 0, true}, {0, 8, 0, true}, {0, 8, 0, true}, {0, 8, 0, true}}},
	{"OFPTMFC_EPERM", [6]wireError{{}, {}, {0, 8, 2, true}, {0, 8, 2, true}, {0, 8, 2, true}, {0, 8, 2, true}}},
}
