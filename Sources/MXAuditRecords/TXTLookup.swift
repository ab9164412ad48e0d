import MXAuditModel

/// Looks up every TXT record at a name, as the DNS layer does it: `.present` with the records,
/// `.absent` for NXDOMAIN or NODATA, `.failed` when the answer could not be had. The audit engine
/// passes mxaudit's DNS client; tests pass a table.
public typealias TXTLookup = @Sendable (String) async -> Observation<TXTRecordSet>
