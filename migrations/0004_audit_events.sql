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
CREATE INDEX `audit_events_client_id_at_idx` ON `audit_events` (`client_id`,`at`);