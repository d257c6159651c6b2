CREATE TABLE `audit_events` (
	`id` text PRIMARY KEY NOT NULL,
	`at` integer NOT NULL,
	`type` text NOT NULL,
	`outcome` text NOT NULL,
	`user_id` text,
	`client_id` text,
	`client_address` text,
	`user_agent` text,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_at_idx` ON `audit_events` (`at`);--> statement-breakpoint
CREATE INDEX `audit_events_type_at_idx` ON `audit_events` (`type`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_user_id_at_idx` ON `audit_events` (`user_id`,`at`);--> statement-breakpoint
CREATE INDEX `audit_events_client_id_at_idx` ON `audit_events` (`client_id`,`at`);--> statement-breakpoint
CREATE TABLE `signing_keys` (
	`kid` text PRIMARY KEY NOT NULL,
	`alg` text NOT NULL,
	`rotation` integer NOT NULL,
	`public_jwk` text NOT NULL,
	`encrypted_private_jwk` text NOT NULL,
	`created_at` integer NOT NULL,
	`activates_at` integer NOT NULL,
	`revoked_at` integer,
	`rotation_requested_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `signing_keys_rotation_alg_idx` ON `signing_keys` (`rotation`,`alg`);