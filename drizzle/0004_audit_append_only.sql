-- The audit log is append-only at the database level: no row is ever changed or removed, and every
-- new row must name the hash of the row before it (the first row names 'genesis'), so rows cannot be
-- inserted out of order either. The HMAC itself is checked by `audit:verify`.
CREATE TRIGGER `pms_audit_logs_no_update` BEFORE UPDATE ON `pms_audit_logs`
BEGIN
  SELECT RAISE(ABORT, 'pms_audit_logs is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `pms_audit_logs_no_delete` BEFORE DELETE ON `pms_audit_logs`
BEGIN
  SELECT RAISE(ABORT, 'pms_audit_logs is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `pms_audit_logs_chain` BEFORE INSERT ON `pms_audit_logs`
WHEN NEW.`prev_hash` IS NOT COALESCE((SELECT `hash` FROM `pms_audit_logs` ORDER BY `id` DESC LIMIT 1), 'genesis')
BEGIN
  SELECT RAISE(ABORT, 'pms_audit_logs chain: prev_hash does not match the last row');
END;
