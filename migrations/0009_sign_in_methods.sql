ALTER TABLE `authorization_codes` ADD `amr` text;--> statement-breakpoint
ALTER TABLE `device_authorizations` ADD `amr` text;--> statement-breakpoint
ALTER TABLE `refresh_tokens` ADD `amr` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `amr` text DEFAULT '["pwd"]' NOT NULL;