CREATE TABLE `client_assertion_jtis` (
	`client_id` text NOT NULL,
	`jti` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`client_id`, `jti`),
	FOREIGN KEY (`client_id`) REFERENCES `clients`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `client_assertion_jtis_expires_at_idx` ON `client_assertion_jtis` (`expires_at`);--> statement-breakpoint
ALTER TABLE `clients` ADD `secret_ciphertext` text;