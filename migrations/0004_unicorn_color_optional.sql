PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_unicorns` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`age` integer DEFAULT 0 NOT NULL,
	`color` text,
	`owner_sub` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `__new_unicorns`("id", "name", "age", "color", "owner_sub", "created_at") SELECT "id", "name", "age", "color", "owner_sub", "created_at" FROM `unicorns`;--> statement-breakpoint
DROP TABLE `unicorns`;--> statement-breakpoint
ALTER TABLE `__new_unicorns` RENAME TO `unicorns`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE INDEX `unicorns_owner_sub_idx` ON `unicorns` (`owner_sub`);