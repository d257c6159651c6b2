CREATE TABLE `rate_limits` (
	`key` text PRIMARY KEY NOT NULL,
	`window_started_at` integer NOT NULL,
	`count` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rate_limits_window_started_at_idx` ON `rate_limits` (`window_started_at`);--> statement-breakpoint
ALTER TABLE `clients` ADD `registrant` text;--> statement-breakpoint
-- ON DELETE set null added by hand: drizzle-kit 0.31 drops the action of a REFERENCES in ADD COLUMN (see meta snapshot).
ALTER TABLE `clients` ADD `owner_user_id` text REFERENCES users(id) ON UPDATE no action ON DELETE set null;--> statement-breakpoint
CREATE INDEX `clients_registrant_idx` ON `clients` (`registrant`);--> statement-breakpoint
CREATE INDEX `clients_owner_user_id_idx` ON `clients` (`owner_user_id`);